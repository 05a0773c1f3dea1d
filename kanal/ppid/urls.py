from django.urls import path

from .views import feeds, public, staff

app_name = "ppid"
urlpatterns = [
    path("ppid/", public.index, name="index"),
    path("ppid/dip/feed.xml", feeds.DipFeed(), name="dip_rss"),
    path("ppid/dip/atom.xml", feeds.DipAtomFeed(), name="dip_atom"),
    path("ppid/permohonan/", public.request_form, name="request_form"),
    path("ppid/permohonan/terkirim/", public.request_sent, name="request_sent"),
    path("ppid/status/", public.status, name="status"),
    path("ppid/keberatan/", public.objection_form, name="objection_form"),
    path("ppid/keberatan/terkirim/", public.objection_sent, name="objection_sent"),
    path("console/ppid/", staff.request_list, name="console_list"),
    path("console/ppid/baru/", staff.request_new, name="console_new"),
    path("console/ppid/<int:pk>/", staff.request_detail, name="console_request"),
    path("console/ppid/<int:pk>/lengkap/", staff.complete, name="console_complete"),
    path("console/ppid/<int:pk>/perpanjang/", staff.extend, name="console_extend"),
    path("console/ppid/<int:pk>/pemberitahuan/", staff.issue_notice, name="console_notice"),
    path("console/ppid/<int:pk>/pemberitahuan.pdf", staff.notice_pdf, name="console_notice_pdf"),
    path("console/ppid/<int:pk>/lampiran/", staff.add_attachment, name="console_attach"),
    path("console/ppid/<int:pk>/keberatan/", staff.record_objection, name="console_objection"),
    path(
        "console/ppid/keberatan/<int:objection_id>/jawab/",
        staff.answer_objection,
        name="console_answer",
    ),
    path(
        "console/ppid/keberatan/<int:objection_id>/sengketa/",
        staff.record_dispute,
        name="console_dispute",
    ),
    path(
        "console/ppid/lampiran/<int:attachment_id>/",
        staff.attachment_file,
        name="console_attachment",
    ),
    path("console/ppid/register/<str:name>/", staff.register, name="console_register"),
    path(
        "console/ppid/register/<str:name>.<str:fmt>",
        staff.register,
        name="console_register_export",
    ),
    path("console/ppid/laporan-tahunan/", staff.annual_report, name="console_report"),
    path(
        "console/ppid/laporan-tahunan.<str:fmt>",
        staff.annual_report,
        name="console_report_export",
    ),
    path("console/ppid/daftar/", staff.lists, name="console_lists"),
]
