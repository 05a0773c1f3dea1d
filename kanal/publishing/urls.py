from django.urls import path

from .views import console, public

app_name = "publishing"
urlpatterns = [
    # public
    path("berita/", public.news_list, name="news"),
    path("berita/feed.xml", public.NewsFeed(), name="rss"),
    path("berita/atom.xml", public.NewsAtomFeed(), name="atom"),
    path("berita/berkas/<int:file_id>/", public.file_view, name="file"),
    path("berita/<slug:slug>/", public.item_detail, name="item"),
    path("program/feed.xml", public.ProgramFeed(), name="programs_rss"),
    path("program/atom.xml", public.ProgramAtomFeed(), name="programs_atom"),
    path("program/", public.program_list, name="programs"),
    path("program/<slug:slug>/", public.program_detail, name="program"),
    path("siaran-pers/", public.press_room, name="press_room"),
    path("siaran-pers/feed.xml", public.PressFeed(), name="press_rss"),
    path("siaran-pers/atom.xml", public.PressAtomFeed(), name="press_atom"),
    # staff
    path("console/publishing/", console.dashboard, name="console"),
    path("console/publishing/konten/baru/", console.item_new, name="console_item_new"),
    path("console/publishing/konten/<int:item_id>/", console.item_detail, name="console_item"),
    path(
        "console/publishing/konten/<int:item_id>/ubah/",
        console.item_edit,
        name="console_item_edit",
    ),
    path(
        "console/publishing/konten/<int:item_id>/langkah/",
        console.item_transition,
        name="console_item_transition",
    ),
    path(
        "console/publishing/konten/<int:item_id>/komentar/",
        console.item_comment,
        name="console_item_comment",
    ),
    path(
        "console/publishing/konten/<int:item_id>/berkas/",
        console.item_file,
        name="console_item_file",
    ),
    path(
        "console/publishing/konten/<int:item_id>/progres/",
        console.item_progress,
        name="console_item_progress",
    ),
    path(
        "console/publishing/konten/<int:item_id>/kirim/",
        console.item_send,
        name="console_item_send",
    ),
    path(
        "console/publishing/kiriman/<int:delivery_id>/ulang/",
        console.delivery_resend,
        name="console_delivery_resend",
    ),
    path("console/publishing/pos/<int:post_id>/ulang/", console.post_retry, name="console_post"),
    path("console/publishing/kalender/", console.calendar, name="console_calendar"),
    path("console/publishing/mitra/", console.partner_list, name="console_partners"),
    path(
        "console/publishing/mitra/<int:partner_id>/",
        console.partner_edit,
        name="console_partner",
    ),
    path("console/publishing/kunjungan/", console.visit_list, name="console_visits"),
    path(
        "console/publishing/kunjungan/<int:visit_id>/",
        console.visit_detail,
        name="console_visit",
    ),
    path(
        "console/publishing/kunjungan/<int:visit_id>/laporan/",
        console.visit_report,
        name="console_visit_report",
    ),
]
