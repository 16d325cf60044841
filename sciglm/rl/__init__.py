"""GRPO with the verifiers as rewards (TRL's ``GRPOTrainer``): ``sciglm rl``."""
