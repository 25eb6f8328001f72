"""One renderer per portal family: Hanweb (zj, sx), WordPress (wttimes), TRS (xznmx) and the
translate wrapper that serves TRS pages in English."""
