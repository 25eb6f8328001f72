"""Serving: the listening socket, the ASGI app coopfeed serves and the uvicorn workers."""
