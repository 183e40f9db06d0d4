"""Relevance and section classifiers for kd-tracker, following scikit-learn's estimator conventions."""
