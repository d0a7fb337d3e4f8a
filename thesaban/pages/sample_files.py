"""Made-up files: a PDF and a PNG to attach, for the demo municipality and the tests."""

import io

from PIL import Image as PillowImage
from PIL import ImageDraw


def sample_pdf(title: str) -> bytes:
    """A one-page PDF showing `title` (ASCII only), with no library."""
    text = title.encode("ascii", "replace").decode()
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>"
        ),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    output = io.BytesIO(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(output.tell())
        output.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = output.tell()
    output.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        output.write(b"%010d 00000 n \n" % offset)
    output.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return output.getvalue()


def sample_png(seed: int, size=(800, 500)) -> bytes:
    """A PNG of a coloured disc on a coloured ground, the colours chosen by `seed`."""
    palette = ((11, 79, 108), (242, 183, 5), (46, 125, 50), (173, 20, 87), (69, 90, 100))
    image = PillowImage.new("RGB", size, palette[seed % len(palette)])
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.ellipse(
        (width * 0.3, height * 0.2, width * 0.7, height * 0.8),
        fill=palette[(seed + 1) % len(palette)],
    )
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()
