"""Plain helpers the test modules share, one concept a module.

Test modules import from here, never from one another; pytest fixtures live in
``tests/conftest.py`` (``tests/test_test_layout.py`` checks both).
"""
