import io
import shutil
import subprocess
import tempfile
from datetime import date, datetime
from pathlib import Path

from odoo.tests import HttpCase, tagged
from odoo.tools.misc import format_date
from odoo.tools.pdf import OdooPdfFileReader

RECEIPT = "citizen_relation.action_report_request_receipt"


@tagged("post_install", "-at_install")
class TestCitizenRequestReceiptPdf(HttpCase):
    """The receipt (récépissé) is a document: its PDF carries text a reader
    can extract, search and have read aloud, a title and a language.

    Regression: with the wkhtmltopdf of Debian, the receipt's web font (Lato,
    from the company's report layout) was drawn as outlines, so pdftotext got
    nothing out of it: no reference, no date, no deadline; nor did the PDF
    carry a title or a language. The PDF is rendered
    for real here (HttpCase: wkhtmltopdf loads the report's styles and fonts
    from the running server, as in production)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))
        category = cls.env["citizen.request.category"].create(
            {"name": "Receipt category", "code": "T-RECEIPT", "delay_days": 5}
        )
        cls.request = cls.env["citizen.request"].create(
            {
                "title": "Street lamp off",
                "channel": "counter",
                "category_id": category.id,
                # The receipt speaks its requester's language.
                "partner_id": cls.env["res.partner"]
                .create({"name": "Irène Moreau", "lang": "en_US"})
                .id,
                "date_received": datetime(2026, 3, 4, 10, 0),
            }
        )
        cls.request.date_deadline = date(2026, 3, 11)

    def _run(self, tool, pdf, *args):
        binary = shutil.which(tool)
        self.assertTrue(
            binary, f"{tool} (Debian package poppler-utils) is needed by this test"
        )
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "receipt.pdf"
            path.write_bytes(pdf)
            return subprocess.run(
                [binary, *args, str(path), "-"]
                if tool == "pdftotext"
                else [binary, *args, str(path)],
                check=True,
                capture_output=True,
                text=True,
                timeout=60,
            ).stdout

    def test_receipt_pdf_has_text_title_and_language(self):
        # wkhtmltopdf asks for the styles and fonts at once; the first static
        # file the server serves reads every manifest, which CPython 3.11.7
        # cannot do from two threads at once (ast recursion depth mismatch).
        # Serve one first, as any earlier page would have.
        self.assertEqual(self.url_open("/web/static/img/favicon.ico").status_code, 200)
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        pdf, report_type = Report._render_qweb_pdf(RECEIPT, self.request.ids)
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = " ".join(self._run("pdftotext", pdf).split())
        self.assertRegex(self.request.name, r"^DEM-\d{4}-\d{5}$")
        self.assertIn(self.request.name, text)
        self.assertIn("Receipt of your request", text)
        # Dates as the language's date format writes them (10:00 UTC is 4 March
        # in any time zone the town may have).
        received = format_date(self.env, date(2026, 3, 4), lang_code="en_US")
        deadline = format_date(self.env, date(2026, 3, 11), lang_code="en_US")
        self.assertIn(received, text, "the date received is not in the PDF text")
        self.assertIn(deadline, text, "the deadline is not in the PDF text")
        self.assertIn("Irène Moreau", text)
        info = self._run("pdfinfo", pdf)
        self.assertRegex(
            info, rf"(?m)^Title:\s+Receipt of your request {self.request.name}$"
        )
        catalog = OdooPdfFileReader(io.BytesIO(pdf), strict=False).trailer["/Root"]
        self.assertEqual(catalog["/Lang"], "en-US")
        self.assertTrue(catalog["/ViewerPreferences"]["/DisplayDocTitle"])

        # The pages given to wkhtmltopdf say their language and use a font
        # it embeds as text.
        html = Report._render_qweb_html(RECEIPT, self.request.ids)[0]
        bodies, _res_ids, header, footer, _args = Report._get_report(
            RECEIPT
        )._prepare_html(html, report_model="citizen.request")
        self.assertRegex(bodies[0], r'<html [^>]*lang="en-US"')
        for page in (bodies[0], header, footer):
            self.assertIn('"DejaVu Sans"', page)

    def test_other_reports_unchanged(self):
        """Only the receipt changes font, title and language: any other report
        is laid out by Odoo as before."""
        page = str(
            self.env["ir.qweb"]._render(
                "web.minimal_layout",
                {
                    "subst": False,
                    "body": "<div class='article'>x</div>",
                    "base_url": self.base_url(),
                    "report_xml_id": "base.ir_module_reference_print",
                },
            )
        )
        self.assertNotIn("<title>", page)
        self.assertNotIn(" lang=", page)
        self.assertNotIn("DejaVu", page)
