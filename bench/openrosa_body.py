"""The body ODK Collect posts, shared by the HTTP benchmark and the in-process one."""

from __future__ import annotations

import uuid


def multipart(xml: bytes) -> tuple[bytes, str]:
    """The body ODK Collect posts: the instance as the ``xml_submission_file`` part."""
    boundary = uuid.uuid4().hex
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="xml_submission_file";'
            ' filename="submission.xml"\r\n'
            "Content-Type: text/xml\r\n\r\n"
        ).encode()
        + xml
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"
