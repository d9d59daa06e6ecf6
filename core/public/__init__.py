"""What keeps a public link fair and safe: per-visitor queues and storage quotas."""
