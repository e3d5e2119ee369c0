"""The embedded hub: a real HTTP server (FastAPI on uvicorn) over SQLite, for walking the journey offline."""
