"""Forms: scheduling. Forms parse and validate input; the service does the write."""
