"""Loading models once, into a bounded cache, on the right device; the local Hub cache."""
