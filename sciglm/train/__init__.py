"""The shared fine-tuning backend: data rendering, packing, HF Trainer + DeepSpeed, conversion."""
