"""The default questionnaire: a template to adapt, following DOMAIN.md §4 (SIPAS, Decision
1001/QĐ-BNV): perceptions; satisfaction with policy; satisfaction with service delivery over
the five elements; needs and expectations. Published as version 1 of "sipas-default", on a
5-point scale where 4 and 5 count as satisfied. The wording is illustrative: the official
indicator lists were not available, so each city copies it as a new version and adapts it.
"""

from django.db import migrations
from django.utils import timezone

CODE = "sipas-default"
TITLE_VI = "Phiếu khảo sát sự hài lòng của người dân, tổ chức (mẫu để điều chỉnh)"
TITLE_EN = "Citizen and organisation satisfaction questionnaire (template to adapt)"
NOTES = (
    "Mẫu theo cấu trúc SIPAS (Quyết định 1001/QĐ-BNV): nhận thức, đánh giá; sự hài lòng đối "
    "với chính sách và đối với việc cung ứng dịch vụ hành chính công (5 yếu tố); nhu cầu, mong "
    "đợi. Nội dung câu hỏi là minh họa: sao chép thành phiên bản mới và điều chỉnh trước khi dùng."
)
LABELS_VI = ["Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"]
LABELS_EN = ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"]

# (kind, title_vi, title_en, questions); a question is
# (code, type, element, required, text_vi, text_en, options) and an option (value, vi, en).
SECTIONS = [
    (
        "perceptions",
        "Phần I. Nhận thức, đánh giá",
        "Part I. Perceptions and assessments",
        [
            (
                "A1", "multiple", "", True,
                "Ông/Bà tìm hiểu thông tin về thủ tục hành chính qua những kênh nào?",
                "Where did you look for information about the procedure?",
                [
                    ("1", "Niêm yết tại nơi giải quyết thủ tục", "Notices at the service point"),
                    ("2", "Cổng Dịch vụ công, trang thông tin điện tử", "Public service portal, website"),
                    ("3", "Hỏi trực tiếp công chức", "Asked a civil servant"),
                    ("4", "Người thân, bạn bè, hàng xóm", "Relatives, friends, neighbours"),
                    ("5", "Báo chí, phát thanh, truyền hình", "Press, radio, television"),
                    ("6", "Kênh khác", "Another channel"),
                ],
            ),
            (
                "A2", "single", "", True,
                "Ông/Bà nộp hồ sơ bằng hình thức nào?",
                "How did you submit your application?",
                [
                    ("1", "Trực tiếp tại bộ phận một cửa", "In person at the one-stop shop"),
                    ("2", "Trực tuyến", "Online"),
                    ("3", "Qua dịch vụ bưu chính công ích", "By post"),
                ],
            ),
            (
                "A3", "single", "", True,
                "Ông/Bà phải đi lại bao nhiêu lần để hoàn thành thủ tục?",
                "How many visits did the procedure take?",
                [
                    ("1", "1 lần", "Once"),
                    ("2", "2 lần", "Twice"),
                    ("3", "3 lần trở lên", "Three times or more"),
                ],
            ),
            (
                "A4", "single", "", True,
                "Ông/Bà có bị công chức gây phiền hà, sách nhiễu hoặc gợi ý nộp thêm tiền ngoài "
                "phí, lệ phí không?",
                "Did a civil servant cause trouble, harass you or hint at a payment beyond the "
                "official fees?",
                [
                    ("1", "Không", "No"),
                    ("2", "Có", "Yes"),
                    ("3", "Không muốn trả lời", "Prefer not to say"),
                ],
            ),
        ],
    ),
    (
        "policy",
        "Phần II. Sự hài lòng đối với việc xây dựng, tổ chức thực hiện chính sách",
        "Part II. Satisfaction with making and implementing policy",
        [
            (
                "B1", "rating", "", False,
                "Việc lấy ý kiến người dân, tổ chức khi xây dựng chính sách",
                "How citizens and organisations are consulted when policy is made",
            ),
            (
                "B2", "rating", "", False,
                "Sự phù hợp của chính sách với thực tiễn và nhu cầu của người dân",
                "How well policy fits reality and people's needs",
            ),
            (
                "B3", "rating", "", False,
                "Việc tuyên truyền, phổ biến chính sách đến người dân",
                "How policy is explained and made known to the public",
            ),
            (
                "B4", "rating", "", False,
                "Việc tổ chức thực hiện chính sách",
                "How policy is carried out",
            ),
        ],
    ),
    (
        "service",
        "Phần III. Sự hài lòng đối với việc cung ứng dịch vụ hành chính công",
        "Part III. Satisfaction with the delivery of public administrative services",
        [
            ("C1", "rating", "access", True,
             "Nơi tiếp nhận, trả kết quả dễ tìm, thuận tiện",
             "The service point is easy to find and convenient"),
            ("C2", "rating", "access", True,
             "Nơi ngồi chờ có đủ chỗ ngồi, trang thiết bị phục vụ đầy đủ, dễ sử dụng",
             "Enough seats and working, easy-to-use equipment while waiting"),
            ("C3", "rating", "access", True,
             "Dễ dàng truy cập, sử dụng dịch vụ công trực tuyến",
             "Online public services are easy to reach and use"),
            ("C4", "rating", "procedures", True,
             "Thủ tục hành chính được niêm yết công khai, đầy đủ, chính xác",
             "The procedure is posted publicly, completely and correctly"),
            ("C5", "rating", "procedures", True,
             "Thành phần hồ sơ phải nộp đúng quy định, không yêu cầu thêm giấy tờ",
             "Only the documents the rules require are asked for"),
            ("C6", "rating", "procedures", True,
             "Phí, lệ phí phải nộp đúng quy định",
             "The fees charged are those the rules set"),
            ("C7", "rating", "procedures", True,
             "Thời hạn giải quyết theo quy định là hợp lý",
             "The time limit set by the rules is reasonable"),
            ("C8", "rating", "civil_servants", True,
             "Công chức có thái độ giao tiếp lịch sự, tôn trọng",
             "Civil servants are polite and respectful"),
            ("C9", "rating", "civil_servants", True,
             "Công chức chú ý lắng nghe ý kiến của Ông/Bà",
             "Civil servants listen to you"),
            ("C10", "rating", "civil_servants", True,
             "Công chức hướng dẫn kê khai hồ sơ tận tình, chu đáo, dễ hiểu",
             "Civil servants explain how to fill in the application carefully and clearly"),
            ("C11", "rating", "civil_servants", True,
             "Công chức tuân thủ đúng quy định khi giải quyết công việc",
             "Civil servants follow the rules when handling your case"),
            ("C12", "rating", "results", True,
             "Kết quả Ông/Bà nhận được đúng quy định",
             "The result you received complies with the rules"),
            ("C13", "rating", "results", True,
             "Kết quả có thông tin đầy đủ, chính xác",
             "The result is complete and correct"),
            ("C14", "rating", "results", True,
             "Ông/Bà nhận kết quả đúng hẹn",
             "You received the result on time"),
            ("C15", "rating", "feedback", True,
             "Cơ quan bố trí hình thức tiếp nhận góp ý, phản ánh, kiến nghị",
             "The agency provides ways to give feedback and petitions"),
            ("C16", "rating", "feedback", True,
             "Ông/Bà dễ dàng thực hiện góp ý, phản ánh, kiến nghị",
             "Giving feedback or a petition is easy"),
            ("C17", "rating", "feedback", True,
             "Cơ quan tiếp nhận, xử lý tích cực các góp ý, phản ánh, kiến nghị",
             "The agency takes up and handles feedback and petitions actively"),
            ("C18", "rating", "feedback", True,
             "Cơ quan thông báo kịp thời kết quả xử lý góp ý, phản ánh, kiến nghị",
             "The agency reports the outcome of feedback and petitions in good time"),
        ],
    ),
    (
        "needs",
        "Phần IV. Nhu cầu, mong đợi",
        "Part IV. Needs and expectations",
        [
            (
                "D1", "multiple", "", False,
                "Ông/Bà mong muốn cơ quan cải thiện những nội dung nào?",
                "What would you like the agency to improve?",
                [
                    ("1", "Mở rộng hình thức cung cấp thông tin", "More ways to get information"),
                    ("2", "Đơn giản hóa thủ tục, giấy tờ", "Simpler procedures and paperwork"),
                    ("3", "Rút ngắn thời gian giải quyết", "Shorter processing times"),
                    ("4", "Cải thiện thái độ phục vụ của công chức", "Better attitude of civil servants"),
                    ("5", "Nâng cấp cơ sở vật chất nơi tiếp nhận", "Better facilities at the service point"),
                    ("6", "Mở rộng dịch vụ công trực tuyến", "More online public services"),
                    ("7", "Tăng cường tiếp nhận, xử lý góp ý", "Better handling of feedback"),
                ],
            ),
            (
                "D2", "text", "", False,
                "Ý kiến khác của Ông/Bà",
                "Any other comments",
            ),
        ],
    ),
]


def create(apps, schema_editor):
    Questionnaire = apps.get_model("surveys", "Questionnaire")
    Section = apps.get_model("surveys", "Section")
    Question = apps.get_model("surveys", "Question")
    Option = apps.get_model("surveys", "Option")
    questionnaire, created = Questionnaire.objects.get_or_create(
        code=CODE,
        version=1,
        defaults={
            "title_vi": TITLE_VI,
            "title_en": TITLE_EN,
            "notes": NOTES,
            "is_template": True,
            "status": "published",
            "scale_points": 5,
            "scale_labels_vi": LABELS_VI,
            "scale_labels_en": LABELS_EN,
            "satisfied_from": 4,
            "published_at": timezone.now(),
        },
    )
    if not created:
        return
    for section_order, (kind, title_vi, title_en, questions) in enumerate(SECTIONS):
        section = Section.objects.create(
            questionnaire=questionnaire,
            kind=kind,
            order=section_order,
            title_vi=title_vi,
            title_en=title_en,
        )
        for order, (code, type_, element, required, text_vi, text_en, *rest) in enumerate(
            questions
        ):
            question = Question.objects.create(
                questionnaire=questionnaire,
                section=section,
                code=code,
                type=type_,
                element=element,
                required=required,
                text_vi=text_vi,
                text_en=text_en,
                order=order,
            )
            for option_order, (value, label_vi, label_en) in enumerate(rest[0] if rest else []):
                Option.objects.create(
                    question=question,
                    value=value,
                    label_vi=label_vi,
                    label_en=label_en,
                    order=option_order,
                )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
