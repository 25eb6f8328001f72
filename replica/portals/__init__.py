"""One renderer per portal family: Hanweb (zj, sx), WordPress, TRS (+ its translation)."""
