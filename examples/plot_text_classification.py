"""
Multi-task text classification: domain, sentiment and rating of reviews
=======================================================================

Each Amazon product review of the Multi-Domain Sentiment data carries three
labels: its product domain (4 classes), its sentiment (positive or negative)
and its star rating (1, 2, 4 or 5). A :class:`~skmtl.MultiTaskClassifier`
learns the three tasks with one network; we compare it with one logistic
regression per task (:class:`~skmtl.PerTaskClassifier`) on the same features.

The neural estimators need dense inputs, so the texts go through TF-IDF and a
truncated SVD (latent semantic analysis) to 150 dense features first.

The data is read from the folder named by the ``SKMTL_DATA`` environment
variable (see :func:`~skmtl.datasets.load_reviews_multitask`). Without it, the
example runs on generated features with the same three tasks and says so.
"""

# %%
# The data
# --------
# 2,000 of the 8,000 reviews keep the example fast: 1,000 to train and 1,000 to
# test. The generated stand-in has the same label sets, and, as in the reviews,
# the sentiment follows from the rating.
import numpy as np
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmtl import MultiTaskClassifier, PerTaskClassifier, StackedTasksClassifier
from skmtl.datasets import load_reviews_multitask, make_multitask_classification
from skmtl.metrics import per_task_scores, relative_gain
from skmtl.plotting import plot_comparison

task_names = ["domain", "sentiment", "rating"]
try:
    docs, Y = load_reviews_multitask(return_X_y=True)
    # Reviews become dense vectors: TF-IDF, then 150 SVD components, scaled.
    features = make_pipeline(
        TfidfVectorizer(sublinear_tf=True, min_df=2, stop_words="english"),
        TruncatedSVD(n_components=150, random_state=0),
        StandardScaler(),
    )
except FileNotFoundError:
    print(
        "The reviews were not found (set SKMTL_DATA to the folder holding "
        "text_multitask.csv.gz): using generated data instead."
    )
    docs, labels = make_multitask_classification(
        n_samples=2000,
        n_features=150,
        n_tasks=2,
        n_classes=4,
        noise=0.5,
        random_state=0,
    )
    domains = np.array(["books", "dvd", "electronics", "kitchen_housewares"])
    rating = np.array([1, 2, 4, 5])[labels[:, 1]]
    sentiment = np.where(rating >= 4, "positive", "negative")
    Y = np.column_stack(
        [domains[labels[:, 0]].astype(object), sentiment.astype(object), rating]
    )
    features = StandardScaler()

docs_train, docs_test, Y_train, Y_test = train_test_split(
    docs, Y, train_size=1000, test_size=1000, random_state=0
)
X_train = features.fit_transform(docs_train)
X_test = features.transform(docs_test)
print(f"X_train: {X_train.shape}, dense {type(X_train).__name__}")
for name, column in zip(task_names, Y_train.T):
    values, counts = np.unique(column.astype(str), return_counts=True)
    print(f"{name:<10}", dict(zip(values.tolist(), counts.tolist())))

# %%
# Two models
# ----------
# One network whose hidden layer is shared by the three tasks, each task with
# its own softmax head, and stacked logistic regressions (each task's second
# model also reads the out-of-fold class probabilities of all three tasks),
# against three independent logistic regressions. The
# labels go in as they are: strings for the domain and the sentiment, integers
# for the rating.
models = {
    "logistic per task": PerTaskClassifier(LogisticRegression(C=0.1, max_iter=1000)),
    "stacked logistic": StackedTasksClassifier(
        LogisticRegression(C=0.1, max_iter=1000), random_state=0
    ),
    "shared network": MultiTaskClassifier(
        shared_layers=(128,),
        dropout=0.5,
        weight_decay=1e-2,
        lr=1e-3,
        max_epochs=40,
        batch_size=64,
        n_threads=1,
        random_state=0,
    ),
}
predictions, scores = {}, {}
for name, model in models.items():
    predictions[name] = model.fit(X_train, Y_train).predict(X_test)
    scores[name] = per_task_scores(
        Y_test, predictions[name], metric="accuracy", task_names=task_names
    )

# %%
# Test accuracy per task
# ----------------------
print(f"{'task':<11}" + "".join(f"{name:>19}" for name in models))
for task in task_names:
    print(f"{task:<11}" + "".join(f"{scores[name][task]:19.3f}" for name in models))
gain = relative_gain(scores["shared network"], scores["logistic per task"])
print(f"Δm% of the shared network over logistic per task: {gain:+.1f}%")

# %%
# A sentiment prediction and a rating prediction *agree* when the rating is 4
# or 5 for a positive review and 1 or 2 for a negative one. Independent models
# need not agree; the shared network predicts both from the same hidden layer.
for name, predicted in predictions.items():
    positive_rating = np.isin(predicted[:, 2].astype(int), [4, 5])
    agree = np.mean(positive_rating == (predicted[:, 1] == "positive"))
    print(f"{name}: sentiment and rating agree on {agree:.1%} of the test reviews")

ax = plot_comparison(
    scores,
    baseline="logistic per task",
    ylabel="test accuracy",
    title="Three tasks on the same features",
)

# %%
# Reading the results
# -------------------
# Compare the columns task by task. On the reviews, in our runs, the two models
# were within about a point of accuracy on every task, with neither ahead on
# all three (Δm% near zero, of either sign depending on the split): the SVD
# features already hold what the three tasks share, so a linear model per task
# is a strong baseline here. Where the shared network differed more clearly was
# in coherence: its sentiment and rating predictions agreed more often than
# those of the independent logistic regressions.
#
# The stacked logistic regressions are the cheapest way to let the tasks
# inform each other: on this split they gained about a point on the rating
# (the sentiment probabilities help) and were level on the other two tasks. In
# the Reviews benchmark (all 8,000 reviews, 5-fold CV, sparse TF-IDF features,
# ``C`` by inner CV) they were ahead of per-task logistic regression on all
# three tasks on average (0.936 / 0.842 / 0.626 against 0.934 / 0.837 / 0.618).
#
# Sharing pays most when a task has few labels of its own; try keeping only a
# fraction of the rating labels (set the others to ``None``, a missing label)
# and compare again.
