"""The evaluation harness: official metrics, scoring of prediction files, prediction over a
benchmark split, cross-validation, reference baselines and the benchmark report.

- `metrics`: the metric functions (pure, on ids and label sets).
- `scoring`: read a prediction folder and a split's gold files, return metric rows.
- `predict`: run the pipeline over a split and write official-format prediction files.
- `crossval`: K-fold cross-validation with retraining per fold.
- `baselines`: simple reference systems scored the same way.
- `report`: regenerate docs/benchmarks.md.
"""
