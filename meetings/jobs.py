"""Background-job runners of the meetings app, discovered by nrc.jobs (one module per capability)."""

from nrc.jobs import job_kind

from .jobs_scheduling import SERIES_JOB, series_create_job

job_kind(SERIES_JOB)(series_create_job)
