"""kd-tracker: keeps an awesome list of knowledge-distillation-of-LLM papers up to date from arXiv."""

__version__ = "0.1.0"
