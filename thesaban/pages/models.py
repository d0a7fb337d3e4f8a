"""The page types of the public site.

A small set of types serves every item of the announcement (R1): which item a page is comes
from where it sits in the tree and its title, not from its class. See
`information_architecture.py` for the map and `docs/architecture.md` for the reasoning.
"""

import hashlib
import json

from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    Page,
    PageViewRestriction,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.search import index
from wagtail.url_routing import RouteResult

from thesaban.core.blocks import BodyBlock, LinkBlock
from thesaban.core.page_cache import remember
from thesaban.core.slugs import ThaiSlugMixin
from thesaban.core.thai_dates import current_fiscal_year
from thesaban.publishing.forms import PublishingPageForm, PublishingSnippetForm

LISTING_PAGE_SIZE = 20


class SitePage(ThaiSlugMixin, Page):
    """Abstract base for every Thesaban page type: the Thai slug policy and attached files."""

    # Submitting for approval needs the preparer's attestation (thesaban.publishing).
    base_form_class = PublishingPageForm

    # Foreign keys the page's own template shows: fetched with the page when it is served.
    serve_select_related: tuple[str, ...] = ()
    # What the page is about in a sentence or two (a field's name): the meta description and
    # link preview when staff left the promote tab's search description empty.
    summary_field = ""
    # The picture that stands for the page in link previews (a foreign key's name), if any.
    preview_image_field = ""
    # A dated item (Open Graph's "article"), rather than a place on the site.
    is_article = False

    def meta_description(self) -> str:
        text = self.search_description
        if not text and self.summary_field:
            text = getattr(self, self.summary_field)
        return " ".join(strip_tags(text or "").split())

    @property
    def preview_image(self):
        return getattr(self, self.preview_image_field) if self.preview_image_field else None

    def attachment_list(self):
        return self.attachments.select_related("document")

    def route(self, request, path_components):
        # Wagtail walks through a page that is not live to the live pages below it; their
        # addresses live under this one's, so they are not public while it is not.
        if path_components and not self.live:
            raise Http404
        return super().route(request, path_components)

    def get_view_restrictions(self):
        # Wagtail asks the database on every view (two queries); most municipal sites have no
        # private pages at all. Saving or deleting a restriction clears this cache.
        if not remember("view-restrictions-exist", PageViewRestriction.objects.exists):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    class Meta:
        abstract = True


class ListingPaginator(Paginator):
    """Counts a listing's pages with one query that also tells its `version`."""

    def __init__(self, object_list, per_page):
        super().__init__(object_list, per_page)
        summary = object_list.aggregate(
            count=models.Count("pk"),
            newest=models.Max("pk"),
            published=models.Max("last_published_at"),
        )
        self.count = summary["count"]
        # Changes when an item is added, removed or published again, whether or not a signal
        # cleared the cache: what the listing's rendered items are kept under.
        published = summary["published"].isoformat() if summary["published"] else ""
        self.version = f"{summary['count']}:{summary['newest']}:{published}"


def _paginate(request: HttpRequest, queryset, per_page: int = LISTING_PAGE_SIZE) -> PaginatorPage:
    paginator = ListingPaginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


# The page type at each address, learnt by each process. Only a guess: the lookup still filters
# by address, so if another type of page has taken the address it finds nothing and the
# two-query lookup below answers (and corrects the guess). No cache to clear, nothing stale.
_page_class_at: dict[str, type[Page]] = {}
_MAX_PAGE_CLASS_GUESSES = 10_000


def _page_at(url_path: str, *, slug: str, depth: int, above: list[str]) -> Page | None:
    """The page at a public address, as its own type: one query once its type is known.

    `above` are the addresses (url paths) of the pages between the site's home and it; the
    page comes with `unpublished_above`, whether any of them is not live. None when there is
    no such page, or its type's code is gone (Wagtail's routing knows what to do with such a
    page).
    """
    lookup = {"url_path": url_path, "slug": slug, "depth": depth}
    page_class = _page_class_at.get(url_path)
    if page_class is not None and (page := _fetch(page_class, above, **lookup)) is not None:
        return page
    found = Page.objects.filter(**lookup).values_list("pk", "content_type_id").first()
    if found is None:
        return None
    page_class = ContentType.objects.get_for_id(found[1]).model_class()
    if page_class is None:
        return None
    if len(_page_class_at) >= _MAX_PAGE_CLASS_GUESSES:
        _page_class_at.clear()
    _page_class_at[url_path] = page_class
    return _fetch(page_class, above, pk=found[0])


def _fetch(page_class: type[Page], above: list[str], **lookup) -> Page | None:
    # One row at most: unsorted (sorting costs Django more to compile than SQLite to run).
    # The pages above are asked in the same query (by slug too, which is indexed).
    unpublished_above = Page.objects.filter(
        url_path__in=above, slug__in=[path.rsplit("/", 2)[-2] for path in above], live=False
    )
    pages = (
        page_class.objects.filter(**lookup)
        .annotate(unpublished_above=models.Exists(unpublished_above))
        .order_by()
    )
    # Never select_related() with no names: that joins every foreign key of the page.
    if select_related := getattr(page_class, "serve_select_related", ()):
        pages = pages.select_related(*select_related)
    return next(iter(pages[:1]), None)


# --- Files attached to any page -------------------------------------------------------------
class Attachment(Orderable):
    """A file (PDF, spreadsheet…) attached to a page; most disclosure items are files."""

    page = ParentalKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "core.SiteDocument", verbose_name=_("ไฟล์"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(
        _("ชื่อที่แสดง"), max_length=255, blank=True, help_text=_("เว้นว่างเพื่อใช้ชื่อเอกสาร")
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("ไฟล์แนบ")
        verbose_name_plural = _("ไฟล์แนบ")

    @property
    def display_title(self) -> str:
        return self.title or self.document.title


ATTACHMENTS_PANEL = InlinePanel("attachments", label=_("ไฟล์แนบ"), heading=_("ไฟล์แนบ"))


# --- Home, sections, free content --------------------------------------------------------------
class HomePage(SitePage):
    """The home page: what the announcement's home menu (หน้าหลัก) lists."""

    executive = models.ForeignKey(
        "pages.Person",
        verbose_name=_("ผู้บริหารเจ้าของสาร"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    executive_message = RichTextField(_("สารจากผู้บริหาร"), blank=True, features=["bold", "italic"])
    main_menu = StreamField(
        [("link", LinkBlock())],
        verbose_name=_("เมนูหลักหน้าแรก"),
        blank=True,
        help_text=_("ลิงก์ด่วนที่แสดงบนหน้าแรกตามประกาศ (หน้าหลัก)"),
    )
    network_links = StreamField(
        [("link", LinkBlock())],
        verbose_name=_("เว็บไซต์ในเครือข่าย"),
        blank=True,
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("executive"), FieldPanel("executive_message")], _("สารจากผู้บริหาร")
        ),
        FieldPanel("main_menu"),
        FieldPanel("network_links"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("หน้าแรก")

    # The kinds of news the home page shows, in order, each with its latest items.
    HOME_NEWS_KINDS = ("activity", "press", "procurement", "egp")
    HOME_NEWS_COUNT = 4

    def news_sections(self) -> list[dict]:
        indexes = {
            index.kind: index
            for index in NewsIndexPage.objects.live()
            .descendant_of(self)
            .filter(kind__in=self.HOME_NEWS_KINDS)
            .order_by("-path")
        }
        sections = []
        for kind in self.HOME_NEWS_KINDS:
            index = indexes.get(kind)
            if index is None:
                continue
            items = list(index.news_items()[: self.HOME_NEWS_COUNT])
            sections.append({"index": index, "items": items})
        return sections

    def _links_html(self, stream) -> str:
        # The links only change with the page itself (preview included): key by their data.
        raw = json.dumps(list(stream.raw_data), sort_keys=True, default=str)
        digest = hashlib.sha256(raw.encode()).hexdigest()
        html = remember(
            f"home:{self.pk}:links:{digest}",
            lambda: render_to_string("components/link_items.html", {"links": stream}),
        )
        return mark_safe(html)  # rendered from our own template above

    @property
    def main_menu_html(self) -> str:
        return self._links_html(self.main_menu)

    @property
    def network_links_html(self) -> str:
        return self._links_html(self.network_links)

    def latest_videos(self):
        return (
            VideoPage.objects.live()
            .descendant_of(self)
            .select_related("poster")
            .order_by("-date", "-pk")[:3]
        )

    def route(self, request, path_components):
        """Find the page for a URL in one query instead of two per path segment.

        Wagtail walks the tree a segment at a time (two queries each); every Thesaban page
        routes the default way, so the page whose url_path matches is the answer, fetched as
        its own type (see `_page_at`), unless a page above it is not live (`SitePage.route`).
        Anything else (a missing page, a future page type with its own routing) takes
        Wagtail's path.
        """
        if path_components:
            url_path = f"{self.url_path}{'/'.join(path_components)}/"
            depth = self.depth + len(path_components)
            above = [
                f"{self.url_path}{'/'.join(path_components[:count])}/"
                for count in range(1, len(path_components))
            ]
            page = _page_at(url_path, slug=path_components[-1], depth=depth, above=above)
            if page is not None and page.live and type(page).route is SitePage.route:
                if page.unpublished_above:
                    raise Http404
                return RouteResult(page)
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Published news and videos change only on publication, which clears this cache.
        # No prefetched renditions in here: a cached empty list would make Wagtail generate
        # the image again on every request; the rendition cache serves them instead.
        context.update(
            remember(
                f"home:{self.pk}:news",
                lambda: {
                    "news_sections": self.news_sections(),
                    "latest_videos": list(self.latest_videos()),
                },
            )
        )
        # Keyed by the executive chosen, so a preview of a draft shows its own choice.
        context["executive"] = remember(
            f"home:{self.pk}:executive:{self.executive_id}",
            lambda: (
                Person.objects.live()
                .of_site(self.get_site())
                .select_related("photo")
                .filter(pk=self.executive_id)
                .first()
            ),
        )
        return context


class SectionPage(SitePage):
    """A category of the announcement (สภาพทั่วไป, บุคลากร, …): lists every item in it."""

    introduction = models.TextField(_("คำอธิบาย"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]
    summary_field = "introduction"

    class Meta:
        verbose_name = _("หมวดหมู่")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["items"] = self.get_children().live().specific()
        return context


class ContentPage(SitePage):
    """A page of free content: history, emblem, population data, manuals, FAQ text…"""

    summary = models.TextField(_("สรุปย่อ"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("เนื้อหา"), blank=True)
    # The privacy policy names the municipality as the data controller with its contacts: shown
    # from the municipality's settings, so the text stays right when they change.
    show_contact_details = models.BooleanField(
        _("แสดงชื่อ ที่อยู่ และช่องทางติดต่อของหน่วยงานท้ายหน้า"),
        default=False,
        help_text=_("นำมาจากข้อมูลหน่วยงาน (การตั้งค่า) โดยอัตโนมัติ"),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("show_contact_details"),
        ATTACHMENTS_PANEL,
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    summary_field = "summary"

    class Meta:
        verbose_name = _("หน้าเนื้อหา")


class LinkPage(SitePage):
    """A menu item that leads elsewhere, such as the national e-GP system."""

    link_url = models.URLField(_("ที่อยู่เว็บ"), blank=True)
    link_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("หรือหน้าในเว็บไซต์"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [*Page.content_panels, FieldPanel("link_url"), FieldPanel("link_page")]

    class Meta:
        verbose_name = _("ลิงก์")

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        if not self.link_url and not self.link_page_id:
            raise ValidationError({"link_url": _("กรุณากรอกที่อยู่เว็บหรือเลือกหน้าในเว็บไซต์")})

    @property
    def target_url(self) -> str:
        if self.link_page_id:
            return self.link_page.url
        return self.link_url

    def serve(self, request, *args, **kwargs):
        return HttpResponseRedirect(self.target_url)

    def get_sitemap_urls(self, request=None):
        # A sitemap lists addresses to index; a redirect is not one (search engines flag it,
        # and so does the daily check, monitoring.site_files).
        return []


# --- News ----------------------------------------------------------------------------------
class NewsKind(models.TextChoices):
    ACTIVITY = "activity", _("กิจกรรม")
    COUNCIL = "council", _("กิจการสภา")
    PRESS = "press", _("ข่าวประชาสัมพันธ์")
    PROCUREMENT = "procurement", _("ข่าวจัดซื้อจัดจ้าง")
    PROCUREMENT_RESULT = "procurement_result", _("ประกาศผลจัดซื้อจัดจ้าง")
    EGP = "egp", _("ประกาศจากระบบ e-GP")
    EGP_RESULT = "egp_result", _("ประกาศผลจากระบบ e-GP")
    HEALTH_FUND = "health_fund", _("กองทุนหลักประกันสุขภาพ")
    RECRUITMENT = "recruitment", _("ข่าวสรรหาบุคลากร")
    DLA_DIRECTIVE = "dla_directive", _("หนังสือสั่งการ")
    PROVINCIAL = "provincial", _("ข่าวสารจาก สถ.จ.")
    NETWORK = "network", _("ข่าวสารในเครือข่าย")
    STORY = "story", _("เรื่องเล่า")
    GENERAL = "general", _("ข่าวทั่วไป")


class NewsIndexPage(SitePage):
    """A listing of news of one kind, newest first."""

    kind = models.CharField(
        _("ประเภทข่าว"), max_length=30, choices=NewsKind.choices, default=NewsKind.GENERAL
    )
    introduction = models.TextField(_("คำอธิบาย"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("kind"), FieldPanel("introduction")]
    subpage_types = ["pages.NewsPage"]
    summary_field = "introduction"

    class Meta:
        verbose_name = _("รายการข่าว")

    def news_items(self):
        return NewsPage.objects.live().child_of(self).order_by("-date", "-pk")

    @property
    def feed_url(self) -> str:
        return reverse("news_feed", args=[self.pk])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["items"] = _paginate(
            request,
            self.news_items()
            .select_related("listing_image")
            .prefetch_related("listing_image__renditions"),
        )
        return context


class NewsPage(SitePage):
    """A news item or announcement, with files attached."""

    date = models.DateField(_("วันที่"), default=timezone.localdate)
    summary = models.TextField(_("สรุปย่อ"), blank=True)
    listing_image = models.ForeignKey(
        "core.SiteImage",
        verbose_name=_("ภาพประกอบ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), verbose_name=_("เนื้อหา"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("listing_image"),
        FieldPanel("body"),
        ATTACHMENTS_PANEL,
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["pages.NewsIndexPage"]
    subpage_types: list[str] = []
    serve_select_related = ("listing_image",)
    summary_field = "summary"
    preview_image_field = "listing_image"
    is_article = True

    class Meta:
        verbose_name = _("ข่าว")


# --- Documents with a fiscal year ------------------------------------------------------------
def _default_fiscal_year() -> int:
    return current_fiscal_year()


class DocumentIndexPage(SitePage):
    """A listing of documents (plans, reports, regulations…), filterable by fiscal year."""

    introduction = models.TextField(_("คำอธิบาย"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    subpage_types = ["pages.DocumentPage"]
    summary_field = "introduction"

    class Meta:
        verbose_name = _("รายการเอกสาร")

    def documents(self):
        return DocumentPage.objects.live().child_of(self).order_by("-fiscal_year", "-date", "-pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        documents = self.documents()
        years = sorted(set(documents.values_list("fiscal_year", flat=True)), reverse=True)
        selected_year = request.GET.get("year")
        if selected_year:
            try:
                selected_year = int(selected_year)
            except ValueError as error:
                raise Http404 from error
            documents = documents.filter(fiscal_year=selected_year)
        context.update(
            items=_paginate(request, documents), years=years, selected_year=selected_year
        )
        return context


class DocumentPage(SitePage):
    """One disclosed document: its fiscal year, date, number and files."""

    fiscal_year = models.PositiveSmallIntegerField(
        _("ปีงบประมาณ (พ.ศ.)"), default=_default_fiscal_year, db_index=True
    )
    date = models.DateField(_("วันที่ของเอกสาร"), default=timezone.localdate)
    reference_number = models.CharField(_("เลขที่"), max_length=100, blank=True)
    summary = models.TextField(_("สรุปย่อ"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("รายละเอียด"), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("fiscal_year"), FieldPanel("date"), FieldPanel("reference_number")],
            _("ข้อมูลเอกสาร"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        ATTACHMENTS_PANEL,
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("reference_number"),
        index.FilterField("fiscal_year"),
    ]
    parent_page_types = ["pages.DocumentIndexPage"]
    subpage_types: list[str] = []
    summary_field = "summary"
    is_article = True

    class Meta:
        verbose_name = _("เอกสาร")

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        if self.fiscal_year and not 2400 <= self.fiscal_year <= 2700:
            raise ValidationError({"fiscal_year": _("กรุณากรอกปีงบประมาณเป็นปีพุทธศักราช เช่น 2569")})


# --- Videos --------------------------------------------------------------------------------
class VideoIndexPage(SitePage):
    introduction = models.TextField(_("คำอธิบาย"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    subpage_types = ["pages.VideoPage"]
    summary_field = "introduction"

    class Meta:
        verbose_name = _("รายการวิดีทัศน์")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        videos = (
            VideoPage.objects.live()
            .child_of(self)
            .select_related("poster")
            .prefetch_related("poster__renditions")
        )
        context["items"] = _paginate(request, videos.order_by("-date", "-pk"))
        return context


class VideoPage(SitePage):
    """A video: a file kept on the site, or a link to where it is hosted.

    External players are linked, not embedded, so no third-party script loads on the page.
    """

    date = models.DateField(_("วันที่"), default=timezone.localdate)
    description = models.TextField(_("คำอธิบาย"), blank=True)
    video_url = models.URLField(_("ลิงก์วิดีโอ (เช่น YouTube)"), blank=True)
    video_file = models.ForeignKey(
        "core.SiteDocument",
        verbose_name=_("ไฟล์วิดีโอ (MP4)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    poster = models.ForeignKey(
        "core.SiteImage",
        verbose_name=_("ภาพปก"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("description"),
        FieldPanel("video_url"),
        FieldPanel("video_file"),
        FieldPanel("poster"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("description")]
    parent_page_types = ["pages.VideoIndexPage"]
    subpage_types: list[str] = []
    serve_select_related = ("poster", "video_file")
    summary_field = "description"
    preview_image_field = "poster"

    class Meta:
        verbose_name = _("วิดีทัศน์")

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        if not self.video_url and not self.video_file_id:
            raise ValidationError({"video_url": _("กรุณากรอกลิงก์วิดีโอหรือเลือกไฟล์วิดีโอ")})


# --- People ----------------------------------------------------------------------------------
class PersonGroup(models.TextChoices):
    EXECUTIVE = "executive", _("ผู้บริหาร")
    COUNCIL = "council", _("สมาชิกสภา")
    DIVISION_HEAD = "division_head", _("หัวหน้าส่วนราชการ")
    STAFF = "staff", _("บุคลากร")
    COMMUNITY = "community", _("ประธานชุมชน/ประธาน อสม.")


class PersonQuerySet(models.QuerySet):
    def live(self):
        # What the public sees: people whose current details went through the workflow.
        return self.filter(live=True)

    def in_group(self, group: str):
        return self.filter(group=group)

    def of_site(self, site):
        """The people of one municipality: listings of one site never show another's."""
        return self.filter(site=site)

    def with_photos(self):
        # Each card shows a photo rendition: fetch them all at once, not one query per card.
        return self.select_related("photo", "division").prefetch_related("photo__renditions")


class Person(
    WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, index.Indexed, models.Model
):
    """Somebody shown on the personnel pages: name, position, photo and contact (OIT O2).

    Public content like a page, so it goes through the same three-step workflow: a change is a
    draft revision until the division's supervisor and a web operator approve it.
    """

    # A snippet is not in the page tree: its municipality is said here.
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("เทศบาล"),
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
    )
    name = models.CharField(_("ชื่อ-นามสกุล"), max_length=200)
    position = models.CharField(_("ตำแหน่ง"), max_length=200)
    group = models.CharField(_("กลุ่ม"), max_length=20, choices=PersonGroup.choices)
    division = models.ForeignKey(
        "accounts.Division",
        verbose_name=_("ส่วนราชการ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    level = models.PositiveSmallIntegerField(
        _("ระดับในแผนผัง"),
        default=2,
        help_text=_("1 = หัวหน้าสูงสุดของฝ่าย, 2 = รองลงมา, 3 = ระดับถัดไป"),
    )
    photo = models.ForeignKey(
        "core.SiteImage",
        verbose_name=_("รูปถ่าย"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    phone = models.CharField(_("โทรศัพท์"), max_length=50, blank=True)
    email = models.EmailField(_("อีเมล"), blank=True)
    line_id = models.CharField(_("LINE"), max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("ลำดับการแสดง"), default=0)

    objects = PersonQuerySet.as_manager()
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="person")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="person",
        for_concrete_model=False,
    )
    base_form_class = PublishingSnippetForm

    panels = [
        FieldPanel("name"),
        FieldPanel("position"),
        FieldPanel("group"),
        FieldPanel("division"),
        FieldPanel("level"),
        FieldPanel("photo"),
        MultiFieldPanel(
            [FieldPanel("phone"), FieldPanel("email"), FieldPanel("line_id")], _("การติดต่อ")
        ),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("position")]

    class Meta:
        ordering = ["group", "level", "sort_order", "name"]
        verbose_name = _("บุคลากร")
        verbose_name_plural = _("บุคลากร")

    def __str__(self) -> str:
        return f"{self.name} ({self.position})"

    @property
    def revisions(self):
        return self._revisions


class PersonIndexPage(SitePage):
    """Executives, council members, division heads, staff or community chairs."""

    group = models.CharField(_("กลุ่มบุคลากร"), max_length=20, choices=PersonGroup.choices)
    introduction = models.TextField(_("คำอธิบาย"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("group"), FieldPanel("introduction")]
    subpage_types: list[str] = []
    summary_field = "introduction"

    class Meta:
        verbose_name = _("รายชื่อบุคลากร")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["people"] = (
            Person.objects.live().of_site(self.get_site()).in_group(self.group).with_photos()
        )
        return context


def _by_level(people) -> list[list[Person]]:
    levels: dict[int, list[Person]] = {}
    for person in people:
        levels.setdefault(person.level, []).append(person)
    return [levels[level] for level in sorted(levels)]


class OrgChartPage(SitePage):
    """The organisation chart: the political side and the civil-service side, by level."""

    introduction = models.TextField(_("คำอธิบาย"), blank=True)
    duties = RichTextField(_("อำนาจหน้าที่"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("duties")]
    subpage_types: list[str] = []
    summary_field = "introduction"

    class Meta:
        verbose_name = _("แผนผังโครงสร้างองค์กร")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        people = list(
            Person.objects.live()
            .of_site(self.get_site())
            .exclude(group__in=(PersonGroup.STAFF, PersonGroup.COMMUNITY))
            .with_photos()
        )

        def branch(group: str) -> dict:
            members = [person for person in people if person.group == group]
            return {"title": PersonGroup(group).label, "levels": _by_level(members)}

        context["political_branches"] = [branch(PersonGroup.EXECUTIVE), branch(PersonGroup.COUNCIL)]
        context["civil_service_branches"] = [branch(PersonGroup.DIVISION_HEAD)]
        return context


# --- Places and products -------------------------------------------------------------------
class PlaceKind(models.TextChoices):
    LANDMARK = "landmark", _("สถานที่สำคัญ")
    PRODUCT = "product", _("ผลิตภัณฑ์")


class PlaceIndexPage(SitePage):
    kind = models.CharField(_("ประเภท"), max_length=20, choices=PlaceKind.choices)
    introduction = models.TextField(_("คำอธิบาย"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("kind"), FieldPanel("introduction")]
    subpage_types = ["pages.PlacePage"]
    summary_field = "introduction"

    class Meta:
        verbose_name = _("รายการสถานที่/ผลิตภัณฑ์")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        places = (
            PlacePage.objects.live()
            .child_of(self)
            .select_related("photo")
            .prefetch_related("photo__renditions")
        )
        context["items"] = _paginate(request, places)
        return context


class PlacePage(SitePage):
    """A landmark or a local product (OTOP): photo, description, where to find it."""

    photo = models.ForeignKey(
        "core.SiteImage",
        verbose_name=_("ภาพ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = RichTextField(_("รายละเอียด"), blank=True)
    address = models.TextField(_("ที่ตั้ง"), blank=True)
    phone = models.CharField(_("โทรศัพท์"), max_length=50, blank=True)
    map_url = models.URLField(_("ลิงก์แผนที่"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("photo"),
        FieldPanel("description"),
        FieldPanel("address"),
        FieldPanel("phone"),
        FieldPanel("map_url"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("description")]
    parent_page_types = ["pages.PlaceIndexPage"]
    subpage_types: list[str] = []
    serve_select_related = ("photo",)
    summary_field = "description"
    preview_image_field = "photo"

    class Meta:
        verbose_name = _("สถานที่/ผลิตภัณฑ์")
