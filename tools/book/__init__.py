"""The course site: build_book.py writes and builds it with conf.py's settings, check_book.py opens it in Chromium."""
