"""Finished crawls for archivists: replay in pywb (``pywb``), crawls on S3 brought local for it
(``s3_fetch``) and WACZ packages (``wacz``).
"""
