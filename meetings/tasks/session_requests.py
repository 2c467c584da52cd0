"""Celery tasks: extraordinary-session requests. Thin: ids in, one service call, safe to run twice.

The notices of this capability need no task of their own: ``nrc.notifications.notify`` writes them to the outbox
in the service's transaction and ``nrc.tasks.notification_deliver`` / ``nrc.tasks.outbox_sweep`` deliver them.
"""
