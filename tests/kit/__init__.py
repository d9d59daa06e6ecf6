"""The test kit, shared by the tests and the benchmarks: tiny models built from configs, the launched app,
the fake Hugging Face router, test images, the browser, raw HTTP calls and the load test.

Importing any of it changes nothing: no environment variable, no file, no network. The offline
environment is set by one explicit call, ``tests.kit.environment.use_offline_environment()``, made by
``tests/conftest.py`` (in ``pytest_configure``) and by each benchmark's ``main``.
"""
