"""Peer models for bench:peers: scikit-learn (and XGBoost when installed) on the same rows as ours.

Reads a job (JSON) naming tasks, each a training CSV and a test CSV with a 0/1 target column and
the numeric and categorical columns to use, fits every peer on the training rows and scores the test
rows. Prints one JSON object: {task: {model: {"auc", "brier", "seconds"}}}. Nothing else on stdout.

Usage: python3 sklearn_peers.py job.json
"""
import csv
import json
import sys
import time

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier, HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

try:
    from xgboost import XGBClassifier
except ImportError:  # XGBoost is optional: Debian's python3-xgboost
    XGBClassifier = None


def read_table(path, numeric, categorical, target):
    """Numeric block (NaN for blanks), categorical block (strings) and 0/1 labels of a CSV."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))

    def number(v):
        try:
            return float(v)
        except ValueError:
            return np.nan

    x_num = np.array([[number(r[c]) for c in numeric] for r in rows], dtype=float).reshape(
        len(rows), len(numeric)
    )
    x_cat = np.array([[r[c] for c in categorical] for r in rows], dtype=object).reshape(
        len(rows), len(categorical)
    )
    y = np.array([int(float(r[target])) for r in rows])
    return x_num, x_cat, y


class OneHot:
    """Median-imputed (optionally standardised) numerics beside one-hot categories."""

    def __init__(self, scale):
        self.impute = SimpleImputer(strategy="median", keep_empty_features=True)
        self.scale = StandardScaler() if scale else None
        self.encode = OneHotEncoder(handle_unknown="ignore", sparse_output=False)

    def fit_transform(self, x_num, x_cat):
        num = self.impute.fit_transform(x_num)
        if self.scale is not None:
            num = self.scale.fit_transform(num)
        parts = [num] + ([self.encode.fit_transform(x_cat)] if x_cat.shape[1] else [])
        return np.hstack(parts)

    def transform(self, x_num, x_cat):
        num = self.impute.transform(x_num)
        if self.scale is not None:
            num = self.scale.transform(num)
        parts = [num] + ([self.encode.transform(x_cat)] if x_cat.shape[1] else [])
        return np.hstack(parts)


class Ordinal:
    """Raw numerics (NaN kept: the histogram booster handles it) beside category codes."""

    def __init__(self):
        self.encode = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)

    def fit_transform(self, x_num, x_cat):
        if not x_cat.shape[1]:
            return x_num
        return np.hstack([x_num, self.encode.fit_transform(x_cat)])

    def transform(self, x_num, x_cat):
        if not x_cat.shape[1]:
            return x_num
        return np.hstack([x_num, self.encode.transform(x_cat)])


def peers(n_numeric, n_categorical, seed):
    """(name, features, model) for every peer."""
    cat_mask = [False] * n_numeric + [True] * n_categorical
    out = [
        ("sklearn logistic regression", OneHot(scale=True), LogisticRegression(C=1.0, max_iter=5000)),
        (
            "sklearn gradient boosting",
            OneHot(scale=False),
            GradientBoostingClassifier(
                n_estimators=300, learning_rate=0.05, max_depth=3, subsample=0.8, random_state=seed
            ),
        ),
        (
            "sklearn hist gradient boosting",
            Ordinal(),
            HistGradientBoostingClassifier(
                learning_rate=0.05,
                max_iter=500,
                max_leaf_nodes=15,
                l2_regularization=1.0,
                early_stopping=True,
                validation_fraction=0.2,
                categorical_features=cat_mask if n_categorical else None,
                random_state=seed,
            ),
        ),
    ]
    if XGBClassifier is not None:
        out.append(
            (
                "xgboost",
                OneHot(scale=False),
                XGBClassifier(
                    n_estimators=400,
                    learning_rate=0.03,
                    max_depth=3,
                    subsample=0.8,
                    colsample_bytree=0.8,
                    min_child_weight=5,
                    random_state=seed,
                    n_jobs=2,
                    eval_metric="logloss",
                ),
            )
        )
    return out


def run(task, seed):
    numeric, categorical, target = task["numeric"], task["categorical"], task["target"]
    tr_num, tr_cat, y_train = read_table(task["train"], numeric, categorical, target)
    te_num, te_cat, y_test = read_table(task["test"], numeric, categorical, target)
    out = {}
    for name, features, model in peers(len(numeric), len(categorical), seed):
        started = time.time()
        model.fit(features.fit_transform(tr_num, tr_cat), y_train)
        p = model.predict_proba(features.transform(te_num, te_cat))[:, 1]
        out[name] = {
            "auc": float(roc_auc_score(y_test, p)),
            "brier": float(brier_score_loss(y_test, p)),
            "seconds": time.time() - started,
        }
    return out


def main():
    with open(sys.argv[1]) as f:
        job = json.load(f)
    seed = int(job.get("seed", 42))
    np.random.seed(seed)
    results = {task["name"]: run(task, seed) for task in job["tasks"]}
    json.dump(
        {
            "versions": {
                "sklearn": __import__("sklearn").__version__,
                "xgboost": None if XGBClassifier is None else __import__("xgboost").__version__,
            },
            "results": results,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
