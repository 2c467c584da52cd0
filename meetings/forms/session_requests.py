"""Forms: session_requests. Forms parse and validate input; the service does the write."""
