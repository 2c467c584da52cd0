"""Background-job runners of the meetings app, discovered by nrc.jobs (one module per capability)."""

from . import jobs_scheduling  # noqa: F401
