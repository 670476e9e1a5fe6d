"""The best estimate of a subscriber's latent engagement that their sittings allow, for bench:peers.

A particle filter over the synthetic world's hidden state (engagement E, the "drifting away" flag and
the subscriber's base level) that uses the simulator's own dynamics and parameters: each day the
sittings observed are weighed by their Poisson likelihood at 0.55 × E (× the weekend boost), the
day's completions move E as the simulator's learning rule does, and then the drifting flag flips
and E reverts with the simulator's probabilities and rates. Left out, as too small to matter: the
engagement lost on a failed payment or a price increase, and the cap of eight sittings a day; and
the completion levels and episode counts, which depend on E only through each title's unknown taste
match. Little more of this state can be known from the sittings; the bench adds the posterior to the
features to show how much of the gap to the oracle that knowledge closes.

At each snapshot day T the posterior is taken before day T is observed, so it reads only events
strictly before T (the features' rule).

Usage: python3 engagement_filter.py job.json
job: {"daily": csv(user_id, day, sittings, learn), "users": csv(user_id, signup_day, age_band),
      "start_day", "days", "snapshot_days": [...], "age_bands": [...], "behaviour": {...},
      "base": {...}, "particles", "seed", "out": csv path}
Writes out: user_id, snapshot_day, ln_engagement, ln_engagement_sd, p_drifting, ln_engagement_15d.
Progress goes to stderr.
"""
import csv
import datetime
import json
import sys
import time

import numpy as np

EPOCH = datetime.date(1970, 1, 1)
FORECAST_DAYS = 15


def main(job_path):
    job = json.load(open(job_path))
    b, prior = job["behaviour"], job["base"]
    n = int(job["particles"])
    rng = np.random.default_rng(int(job["seed"]))
    start, days = int(job["start_day"]), int(job["days"])
    snapshots = set(int(d) for d in job["snapshot_days"])

    with open(job["users"], newline="") as f:
        users = [(int(r["user_id"]), int(r["signup_day"]), r["age_band"]) for r in csv.DictReader(f)]
    ids = np.array([u[0] for u in users])
    row_of = {u: i for i, u in enumerate(ids)}
    signup = np.array([u[1] for u in users])
    age_factor = np.array([prior["ageFactor"][job["age_bands"].index(u[2])] for u in users])
    s_count = len(users)

    sittings = np.zeros((s_count, days))
    learn = np.zeros((s_count, days))
    with open(job["daily"], newline="") as f:
        for r in csv.DictReader(f):
            t = int(r["day"]) - start
            if 0 <= t < days:
                i = row_of[int(r["user_id"])]
                sittings[i, t] = float(r["sittings"])
                learn[i, t] = float(r["learn"])

    base = np.clip(
        age_factor[:, None] * np.exp(prior["sd"] * rng.standard_normal((s_count, n)) + prior["shift"]),
        prior["min"],
        prior["max"],
    )
    # Subscribers already in the window at its start: the stationary share is drifting, part way down.
    stationary = b["driftDaily"] / (b["driftDaily"] + b["recoverDaily"])
    drifting = rng.random((s_count, n)) < stationary
    level = np.where(drifting, b["driftLevel"] + (1 - b["driftLevel"]) * rng.random((s_count, n)), 1.0)
    engagement = base * level
    log_w = np.zeros((s_count, n))
    lo, hi = 0.05, 4.0

    def step(e, d, active):
        """One day of the simulator's drift and reversion (active subscribers only)."""
        r = rng.random((s_count, n))
        d_next = np.where(d, r >= b["recoverDaily"], r < b["driftDaily"])
        d_next = np.where(active[:, None], d_next, d)
        target = np.where(d_next, b["driftLevel"] * base, base)
        pull = np.where(d_next, b["driftReversion"], b["engagementReversion"])
        noise = b["engagementNoise"] * (rng.random((s_count, n)) - 0.5)
        e_next = np.clip(e + pull * (target - e) + noise, lo, hi)
        return np.where(active[:, None], e_next, e), d_next

    out = open(job["out"], "w")
    out.write("user_id,snapshot_day,ln_engagement,ln_engagement_sd,p_drifting,ln_engagement_15d\n")
    started = time.time()
    everyone = np.ones(s_count, dtype=bool)
    for t in range(days):
        day = start + t
        if day in snapshots:
            w = np.exp(log_w - log_w.max(1, keepdims=True))
            w /= w.sum(1, keepdims=True)
            ln_e = np.log(engagement)
            mean = (w * ln_e).sum(1)
            sd = np.sqrt((w * (ln_e - mean[:, None]) ** 2).sum(1))
            p_drift = (w * drifting).sum(1)
            e_f, d_f = engagement, drifting
            for _ in range(FORECAST_DAYS):
                e_f, d_f = step(e_f, d_f, everyone)
            ahead = (w * np.log(e_f)).sum(1)
            for i in range(s_count):
                out.write(f"{ids[i]},{day},{mean[i]:.5f},{sd[i]:.5f},{p_drift[i]:.5f},{ahead[i]:.5f}\n")

        active = signup <= day
        joined = signup == day  # joins today at their base level; a partial day is not weighed
        engagement[joined] = base[joined]
        drifting[joined] = False
        weekday = (EPOCH + datetime.timedelta(days=day)).weekday()  # Monday = 0
        rate = b["sessionRate"] * engagement * (b["weekendBoost"] if weekday >= 5 else 1.0)
        weigh = active & ~joined
        log_w[weigh] += (sittings[:, t][:, None] * np.log(rate) - rate)[weigh]

        # Systematic resampling where the weights have collapsed, with a little jitter on the base.
        w = np.exp(log_w - log_w.max(1, keepdims=True))
        w /= w.sum(1, keepdims=True)
        rows = np.where(1 / (w**2).sum(1) < n / 2)[0]
        if len(rows):
            cum = np.cumsum(w[rows], 1)
            cum[:, -1] = 1
            marks = (rng.random((len(rows), 1)) + np.arange(n)[None, :]) / n
            pick = np.stack([np.searchsorted(cum[j], marks[j]) for j in range(len(rows))])
            at = rows[:, None]
            engagement[rows] = engagement[at, pick]
            drifting[rows] = drifting[at, pick]
            base[rows] = base[at, pick] * np.exp(0.02 * rng.standard_normal((len(rows), n)))
            log_w[rows] = 0

        # The day's views move engagement (the simulator's learning rule), then drift and reversion.
        moved = np.maximum(lo, engagement + b["engagementLearning"] * learn[:, t][:, None])
        engagement = np.where(active[:, None], moved, engagement)
        engagement, drifting = step(engagement, drifting, active)
        if t % 30 == 0 or t == days - 1:
            sys.stderr.write(f"engagement filter: day {t + 1}/{days}, {time.time() - started:.0f} s\n")
    out.close()


if __name__ == "__main__":
    main(sys.argv[1])
