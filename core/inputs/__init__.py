"""Checking and shaping what a visitor gives: text, images, token windows."""
