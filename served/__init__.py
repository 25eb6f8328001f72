"""What coopfeed serves over HTTP: the web pages, the feed files and the store (Datasette) at /db/;
the listening socket and the uvicorn workers."""
