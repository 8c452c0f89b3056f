"""Screenshots of the agreement dashboard (Qt, offscreen) and of the HTML report (headless Chromium)
on the demo project of ``agreement_demo.py``; written to resources/screenshots/.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/agreement_screens.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "resources" / "screenshots"


def main() -> None:
    sys.path.insert(0, str(HERE))
    from agreement_demo import build
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from annotator.qt.dashboard import AgreementDashboard
    from annotator.services import agreement as ag

    tmp = Path(tempfile.mkdtemp())
    project = build(tmp / "demo.annotator")
    reports = [ag.compute(project, layer, gamma_samples=30) for layer in ag.LAYERS]
    html = tmp / "agreement-report.html"
    html.write_text(ag.to_html(reports, "Agreement report — border reports"), encoding="utf-8")
    shutil.copy(html, OUT / "agreement-report.html")

    app = QApplication.instance() or QApplication([])
    dash = AgreementDashboard(project)
    dash.resize(1600, 1000)
    dash.show()
    dash.compute()
    loop = QEventLoop()
    while dash.task is not None or dash.report is None:
        QTimer.singleShot(50, loop.quit)
        loop.exec()
    # drill down: the GPE (rows) × LOC (columns) confusion cell lists the spans behind it
    rows = dash.confusion.rows
    dash._confusion_activated(rows.index("GPE"), rows.index("LOC"))
    QCoreApplication.processEvents()
    dash.grab().save(str(OUT / "agreement-dashboard.png"))
    dash.close()
    project.close()
    del app

    chrome = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chrome is None:
        print("no Chromium: report screenshot skipped")
        return
    for name, size in (("agreement-report.png", "900,2600"),):
        subprocess.run([chrome, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--window-size={size}", f"--screenshot={OUT / name}", html.as_uri()],
                       check=True, capture_output=True)
    subprocess.run([chrome, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={tmp / 'report.pdf'}", html.as_uri()], check=True, capture_output=True)
    print(f"wrote {OUT / 'agreement-dashboard.png'}, {OUT / 'agreement-report.png'}; A4 PDF: "
          f"{(tmp / 'report.pdf').stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
