"""Article files of the other formats for tests: a PDF with a text layer (built by hand, no PDF library needed to
write one) and a saved web page with navigation, metadata and a footer."""

from __future__ import annotations


def make_pdf(pages: list[list[str]], title: str | None = None) -> bytes:
    """A minimal PDF with a text layer: each page's lines in Helvetica."""
    objects: list[str] = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for lines in pages:
        body = (
            "BT /F1 12 Tf 72 720 Td 14 TL "
            + " ".join(
                "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '" for line in lines
            )
            + " ET"
        )
        stream = body.encode("latin-1")
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{body}\nendstream")
        fonts = "/Resources << /Font << /F1 3 0 R >> >>"
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {len(objects)} 0 R {fonts} >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    info = ""
    if title:
        offsets.append(len(out))
        out += f"{len(objects) + 1} 0 obj\n<< /Title ({title}) >>\nendobj\n".encode("latin-1")
        info = f" /Info {len(objects) + 1} 0 R"
    count = len(offsets) + 1
    xref = len(out)
    out += f"xref\n0 {count}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {count} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


WEB_PAGE = b"""<!doctype html><html><head><title>Dover ferry strike ends | Channel Gazette</title>
<meta property="og:site_name" content="Channel Gazette"><meta name="author" content="Ann Writer">
<meta property="article:published_time" content="2015-09-04T10:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a> <a href="/weather">Weather</a></nav>
<article><h1>Dover ferry strike ends</h1>
<p>The strike by ferry workers at the port of Dover ended on Thursday after four days, the union said.</p>
<p>The union leader Margaret Okonkwo-Baptiste said about 1,200 workers had walked out over pay.</p>
<p>Ferries to Calais were expected to run normally from Friday morning, the port authority added.</p>
</article><footer>Copyright Channel Gazette. Cookie policy. Subscribe now.</footer></body></html>
"""
