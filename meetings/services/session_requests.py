"""Writes: session_requests. Every function is keyword-only, takes the acting user, runs in one transaction and
records the audit trail."""
