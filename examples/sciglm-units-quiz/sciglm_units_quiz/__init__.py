"""A third-party sciglm subject in 30 lines: unit conversions, where the unit is the point."""

from sciglm.answers.extract import final_answer
from sciglm.answers.quantity import compare, parse_quantity, parse_reference, registry
from sciglm.hookspecs import hookimpl
from sciglm.records import Verdict, VerifyItem
from sciglm.subject import Subject


class UnitsQuiz(Subject):
    name = "units_quiz"
    description = "Unit conversions: the answer must state a unit of the right dimension (1% tol.)"
    default_timeout = 2.0

    def warmup(self) -> None:
        registry()  # build pint's unit registry once per worker process

    def extract_answer(self, response: str, item: VerifyItem | None = None) -> str | None:
        lines = response.strip().splitlines()
        return final_answer(response) or (lines[-1] if lines else None)

    def verify(self, item: VerifyItem) -> Verdict:
        reference = parse_reference(item.reference or "")
        if reference is None or not reference.has_unit:
            return Verdict(None, None, "reference must be a number with a unit")
        stated = self.extract_answer(item.response)
        predicted = parse_quantity(stated) if stated else None
        if predicted is None or not predicted.has_unit:
            return Verdict(False, stated, "the answer must give a number with a unit")
        ok, reason = compare(predicted, reference, rel_tol=0.01)
        return Verdict(ok, str(predicted), reason)


@hookimpl
def register_subjects(register):
    register(UnitsQuiz())
