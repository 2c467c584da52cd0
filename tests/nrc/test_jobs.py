"""Background jobs: queued after commit, run once, progress visible to their owner only, downloadable when done."""

import pytest

from nrc.jobs import job_execute, job_kind, job_start
from nrc.models import BackgroundJob, JobStatus


@job_kind("tests.count_to_three")
def _count_to_three(*, job, progress):
    for i in range(1, 4):
        progress(i * 33, f"step {i}")
    return f"count-{job.params['label']}.csv", "text/csv", b"1\n2\n3\n"


@job_kind("tests.broken")
def _broken(*, job, progress):
    raise RuntimeError("disk full")


@pytest.mark.django_db
def test_a_job_runs_after_commit_and_its_owner_downloads_the_result(
    secretariat, secretariat_client, django_capture_on_commit_callbacks
):
    # Given a job started by the secretariat
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="tests.count_to_three", params={"label": "x"}, acting_user=secretariat)
    job.refresh_from_db()
    # Then it ran once (eager Celery in tests) and is done
    assert (job.status, job.progress, job.result_name) == (JobStatus.DONE, 100, "count-x.csv")
    assert job_execute(job_id=job.pk) is False  # a second run does nothing
    status = secretariat_client.get(f"/jobs/{job.pk}/status").json()
    assert status["status"] == "done"
    assert status["download_url"] == f"/jobs/{job.pk}/download"
    response = secretariat_client.get(f"/jobs/{job.pk}/download")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"1\n2\n3\n"
    assert response["Content-Disposition"] == 'attachment; filename="count-x.csv"'


@pytest.mark.django_db
def test_another_user_cannot_see_or_download_a_job(secretariat, auditor_client):
    job = job_start(kind="tests.count_to_three", params={"label": "y"}, acting_user=secretariat)
    assert auditor_client.get(f"/jobs/{job.pk}/").status_code == 404
    assert auditor_client.get(f"/jobs/{job.pk}/status").status_code == 404
    assert auditor_client.get(f"/jobs/{job.pk}/download").status_code == 404


@pytest.mark.django_db
def test_a_failing_job_is_marked_failed(secretariat, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="tests.broken", params={}, acting_user=secretariat)
    job.refresh_from_db()
    assert (job.status, job.message) == (JobStatus.FAILED, "disk full")


@pytest.mark.django_db
def test_an_unknown_kind_is_refused_and_nothing_is_created(secretariat):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        job_start(kind="nope", params={}, acting_user=secretariat)
    assert BackgroundJob.objects.count() == 0
