"""StreamField blocks shared by the page types. Every image block demands alt text."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock


class LinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("ข้อความลิงก์"))
    page = blocks.PageChooserBlock(label=_("หน้าในเว็บไซต์"), required=False)
    url = blocks.URLBlock(label=_("หรือที่อยู่เว็บภายนอก"), required=False)

    def clean(self, value):
        from django.core.exceptions import ValidationError
        from wagtail.blocks.struct_block import StructBlockValidationError

        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise StructBlockValidationError(
                block_errors={"url": ValidationError(_("กรุณาเลือกหน้าหรือกรอกที่อยู่เว็บ"))}
            )
        return value

    class Meta:
        icon = "link"
        label = _("ลิงก์")
        template = "components/link_block.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("เอกสาร"))
    title = blocks.CharBlock(label=_("ชื่อที่แสดง"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("เอกสารแนบ")
        template = "components/document_block.html"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("หัวข้อ"), form_classname="title", template="components/heading_block.html"
    )
    paragraph = blocks.RichTextBlock(
        label=_("ข้อความ"),
        features=["bold", "italic", "ol", "ul", "link", "document-link", "h3", "h4"],
    )
    image = ImageBlock(label=_("รูปภาพ"), template="components/image_block.html")
    document = DocumentLinkBlock()
    table = TableBlock(label=_("ตาราง"), template="components/table_block.html")
    links = blocks.ListBlock(
        LinkBlock(), label=_("รายการลิงก์"), template="components/links_block.html"
    )

    class Meta:
        label = _("เนื้อหา")
