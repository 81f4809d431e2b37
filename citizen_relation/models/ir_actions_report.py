import io

from odoo import models
from odoo.tools.pdf import (
    BooleanObject,
    DictionaryObject,
    NameObject,
    OdooPdfFileReader,
    OdooPdfFileWriter,
    create_string_object,
)

RECEIPT_REPORT = "citizen_relation.report_request_receipt"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """Give each receipt's PDF its title and language.

        The wkhtmltopdf of Debian ignores the page's <title> and its title
        option, and no wkhtmltopdf writes the language: a screen reader would
        announce the file name and read the text with the reader's own voice.
        The receipt says in the PDF itself what it is ("Receipt of your
        request DEM-…") and in which language it is written, the requester's,
        as its template does (t-lang), and asks viewers to show that title.
        """
        streams = super()._render_qweb_pdf_prepare_streams(
            report_ref, data, res_ids=res_ids
        )
        if self._get_report(report_ref).report_name != RECEIPT_REPORT:
            return streams
        requests = self.env["citizen.request"].browse(
            [res_id for res_id in streams if res_id]
        )
        for request in requests:
            stream_data = streams[request.id]
            if not stream_data["stream"] or stream_data["attachment"]:
                continue
            lang = request.partner_id.lang or self.env.lang or "en_US"
            title = request.with_context(lang=lang).env._(
                "Receipt of your request %s", request.name
            )
            stream_data["stream"] = self._citizen_pdf_with_title(
                stream_data["stream"], title, lang.replace("_", "-")
            )
        return streams

    def _citizen_pdf_with_title(self, stream, title, lang):
        """The PDF of ``stream`` with ``title`` and the BCP 47 ``lang``."""
        reader = OdooPdfFileReader(io.BytesIO(stream.getvalue()), strict=False)
        writer = OdooPdfFileWriter()
        writer.cloneReaderDocumentRoot(reader)
        # add_metadata since PyPDF2 2.0, addMetadata before (Python 3.10's pin)
        add_metadata = getattr(writer, "add_metadata", None) or writer.addMetadata
        add_metadata({"/Title": title})
        catalog = writer._root_object
        catalog[NameObject("/Lang")] = create_string_object(lang)
        catalog[NameObject("/ViewerPreferences")] = DictionaryObject(
            {NameObject("/DisplayDocTitle"): BooleanObject(True)}
        )
        result = io.BytesIO()
        writer.write(result)
        stream.close()
        return result
