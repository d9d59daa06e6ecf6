"""Object detection and its drawing."""
