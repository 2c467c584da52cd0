"""Cadence compliance: the rule engine, waivers, flags and the reports auditors rely on.

How docs/design.md ("Cadence compliance") is read here, where it leaves a choice:

- Evaluation time. ``as_of`` = D means the end of day D in Brussels (midnight starting D+1); no as-of means
  now. A period is closed when its end (midnight Brussels after its last day) is at or before that time.
  A meeting counts as held if it is marked held and started before that time; a meeting marked scheduled that
  started before it is unconfirmed; any non-cancelled meeting starting at or after it is upcoming.
- Precedence: not_applicable (the rule or the body does not cover the whole period), then compliant /
  on_track (held ≥ N, so N = 0 never breaches), then waived (an approved waiver whose date range includes
  every day of the period), then unconfirmed / pending, then breach / at_risk. A waiver also covers the open
  period, so a waived period is never flagged.
- Days left in the open period: whole days to its end, rounded up.
- A rule changing mid-period leaves that period not_applicable for both rules; a body set up or dissolved
  mid-period likewise. "As appropriate" rules (N = 0, no period) are shown at the grid's granularity.
- Grid: a cell of granularity G summarises the (rule, period) verdicts inside it by the most severe one
  (breach > at_risk > unconfirmed > pending > on_track > waived > compliant > not_applicable); a rule on a
  longer period than G is shown as "evaluated over a longer period" (choose a coarser G). The share of
  compliant periods is compliant ÷ (compliant + breach + unconfirmed) over closed periods in range.
- Stored grid: the cells of the calendar years that are over are stored (``CadenceCell``, see ``cells.py`` for
  why that is exact and how it is kept in step); the grid reads them and evaluates only the open year, the
  partial years at the edges of the range and the bodies whose rules, dates or waivers changed since (live).
  ``cadence_grid(stored=False)`` evaluates everything live; the tests compare the two.
- The 1 April 2014 suspension is reference data: ``services.waiver_seed_reference()`` (idempotent) is run by
  ``manage.py load_reference`` and by the demo data set.
- Flags: one per (rule, period kind, period start), unique in the database. The job raises, updates (at risk
  → breach), resolves (with an event saying why) and reopens them; it never deletes. One digest email per run
  tells the secretariat about new and reopened flags.
- Issued reports are verified by recomputing with the stored parameters, the stored evaluation time and the
  issuer's scope, then comparing SHA-256 of the canonical JSON content.
"""
