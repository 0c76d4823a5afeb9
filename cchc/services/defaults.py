"""The default framework: Decision 766/QĐ-TTg of 23/06/2022, its appendix's five groups and
100 points: transparency 18, progress and results 20, digitisation 22, online services 22
(online filing 12 and online payment 10), satisfaction 18 (docs/domain/service-index.md).
Data, copied into the database by migration 0002;
edit a new version there, never this module, once a month has been scored with it."""

TBC = (
    "to be confirmed: 80% per a published reconciliation of the Government Office's "
    "formula workbook"
)
ILLUSTRATIVE = "illustrative: the dossier export carries no other transparency figure"

DECISION_766 = {
    "groups": [
        {"code": "CK", "name": "Công khai, minh bạch", "points": 18},
        {"code": "TD", "name": "Tiến độ, kết quả giải quyết", "points": 20},
        # online public services (12) and online payment (10)
        {"code": "TT", "name": "Cung cấp dịch vụ trực tuyến", "points": 22},
        {"code": "SH", "name": "Số hóa hồ sơ", "points": 22},
        {"code": "HL", "name": "Mức độ hài lòng", "points": 18},
    ],
    "indicators": [
        {
            "code": "CK1",
            "name": "Hồ sơ của TTHC đã công khai trên CSDL quốc gia",
            "group": "CK",
            "rate": "published_rate",
            "points": 18,
            "threshold": None,
            "threshold_note": ILLUSTRATIVE,
        },
        {
            "code": "TD1",
            "name": "Tỷ lệ hồ sơ giải quyết đúng hạn",
            "group": "TD",
            "rate": "on_time_rate",
            "points": 20,
            "threshold": None,
            "threshold_note": "",
        },
        {
            "code": "TT1",
            "name": "Tỷ lệ hồ sơ nộp trực tuyến",
            "group": "TT",
            "rate": "online_rate",
            "points": 6,
            "threshold": 80,
            "threshold_note": TBC,
        },
        {
            "code": "TT2",
            "name": "Tỷ lệ hồ sơ trực tuyến toàn trình",
            "group": "TT",
            "rate": "full_online_rate",
            "points": 6,
            "threshold": 80,
            "threshold_note": TBC,
        },
        {
            "code": "TTTT1",
            "name": "Tỷ lệ hồ sơ thanh toán trực tuyến",
            "group": "TT",
            "rate": "online_payment_rate",
            "points": 10,
            "threshold": 80,
            "threshold_note": TBC,
        },
        {
            "code": "SH1",
            "name": "Tỷ lệ hồ sơ được số hóa",
            "group": "SH",
            "rate": "digitised_rate",
            "points": 11,
            "threshold": 80,
            "threshold_note": TBC,
        },
        {
            "code": "SH2",
            "name": "Tỷ lệ cấp kết quả điện tử",
            "group": "SH",
            "rate": "e_result_rate",
            "points": 11,
            "threshold": 80,
            "threshold_note": TBC,
        },
        {
            "code": "HL1",
            "name": "Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC",
            "group": "HL",
            "rate": "dossier_satisfaction_rate",
            "points": 6,
            "threshold": None,
            "threshold_note": "",
        },
        {
            "code": "HL2",
            "name": "Tỷ lệ phản ánh, kiến nghị xử lý đúng hạn",
            "group": "HL",
            "rate": "feedback_on_time_rate",
            "points": 6,
            "threshold": None,
            "threshold_note": "",
        },
        {
            "code": "HL3",
            "name": "Tỷ lệ hài lòng về xử lý phản ánh, kiến nghị",
            "group": "HL",
            "rate": "feedback_satisfaction_rate",
            "points": 6,
            "threshold": None,
            "threshold_note": "",
        },
    ],
    # When a unit's on-time rate falls below this, its focal points and heads are notified.
    "alerts": {"on_time_rate_below": 90, "note": "illustrative: the city's own choice"},
}
SOURCE = (
    "Quyết định 766/QĐ-TTg ngày 23/06/2022 của Thủ tướng Chính phủ phê duyệt Bộ chỉ số chỉ đạo, "
    "điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp trong thực hiện thủ tục "
    "hành chính, dịch vụ công theo thời gian thực trên môi trường điện tử, Phụ lục"
)
