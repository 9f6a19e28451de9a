"""The words of a news page's furniture, as data: what the layout treats as menus, share bars,
tags, related-article boxes and photo captions. Lower-case; matched case-insensitively."""

from __future__ import annotations

# Section names of Vietnamese news sites' menus and breadcrumbs (one to four words each).
SECTIONS = frozenset("""
trang chủ|tin tức|thời sự|chính trị|xã hội|kinh tế|kinh doanh|tài chính|chứng khoán|bất động sản|thế giới|quốc tế
|giải trí|thể thao|pháp luật|giáo dục|sức khỏe|y tế|đời sống|du lịch|khoa học|công nghệ|khoa học - công nghệ
|khoa học công nghệ|số hóa|xe|ô tô - xe máy|ý kiến|góc nhìn|tâm sự|bạn đọc|văn hóa|văn hoá|địa phương|multimedia
|media|video|podcast|podcasts|e-magazine|emagazine|infographics|ảnh|phóng sự ảnh|chính sách|phát triển|chính sách - phát triển
|doanh nghiệp|thị trường|tiêu dùng|nhịp sống số|chuyển đổi số|viễn thông|internet|an ninh mạng|cntt|ict|thông tin và truyền thông
|thông tin - truyền thông|tin nóng|tin mới|mới nhất|đọc nhiều|nổi bật|tiêu điểm|quân sự|quốc phòng|an ninh|pháp đình
|tòa soạn|giới thiệu|liên hệ|quảng cáo|rss|english|tiếng anh|bạn cần biết|tiện ích|thời tiết|lịch vạn niên|tra cứu
|chính phủ|chính phủ số|hoạt động|hoạt động của lãnh đạo|tin hoạt động|tin địa phương|tin trong nước|tin quốc tế|sự kiện
|chuyên đề|toàn cảnh|góc độc giả|tuyển dụng|xem thêm|tất cả|menu|đăng nhập|đăng ký|đăng xuất|tìm kiếm|home
|phỏng vấn|đối thoại|diễn đàn|phóng sự|điều tra|xây dựng đảng|lý luận|xã luận|bình luận - phê phán|nghiên cứu - trao đổi
|trao đổi|kinh tế số|xã hội số|đời sống số|doanh nghiệp số|an toàn thông tin|cải cách hành chính|chỉ đạo điều hành
|hoạt động ngành|đầu tư|nông nghiệp|nông thôn|môi trường|giao thông|vận tải|hợp tác|kinh tế - xã hội|nội chính
""".replace("\n", "").split("|"))

# Share bars, counters and page tools.
UTILITIES = frozenset("""
chia sẻ|share|facebook|zalo|twitter|x|linkedin|email|e-mail|gửi email|in|in bài|in bài viết|print|lưu|lưu bài|lưu tin
|copy link|sao chép liên kết|sao chép link|bình luận|gửi bình luận|viết bình luận|xem bình luận|ý kiến|thích|like|tweet
|theo dõi|theo dõi trên|google news|nghe|nghe bài|nghe bài viết|đọc bài|cỡ chữ|a-|a+|tăng cỡ chữ|giảm cỡ chữ|lượt xem
|phản hồi|trả lời|báo lỗi|góp ý|quay lại|về đầu trang|lên đầu trang|trở lại|tải về|download|tải xuống|bookmark|link
|messenger|telegram|youtube|tiktok|instagram|rss|zing|0|tỷ giá|tỷ giá ngoại tệ|giá vàng|thống kê truy cập|đang online
|đang truy cập|lượt truy cập|tổng lượt truy cập|truy cập nội dung luôn|xem với cỡ chữ|hotline
""".replace("\n", "").split("|"))

# Headings of related-article boxes: what follows them are teasers of other articles.
RELATED_HEADINGS = (
    "tin liên quan", "bài liên quan", "bài viết liên quan", "tin bài liên quan", "xem thêm", "đọc thêm",
    "tin cùng chuyên mục", "bài cùng chuyên mục", "cùng chuyên mục", "tin khác", "các tin khác", "tin đã đưa",
    "có thể bạn quan tâm", "bạn có thể quan tâm", "tin mới nhất", "tin mới hơn", "tin cũ hơn", "tin đọc nhiều",
    "đọc nhiều nhất", "xem nhiều", "tin nổi bật", "tin tiêu điểm", "mời bạn đọc thêm", "bài đọc thêm",
)

# Labels of tag and keyword lines.
TAG_LABELS = ("từ khóa", "từ khoá", "tags", "tag", "chủ đề", "keywords", "tin tag", "xem theo chủ đề")

# Headings of comment boxes.
COMMENT_HEADINGS = (
    "ý kiến bạn đọc", "bình luận", "ý kiến của bạn", "gửi ý kiến", "viết bình luận", "gửi bình luận",
    "bạn đọc bình luận", "bình luận của bạn", "ý kiến độc giả", "bình luận bài viết", "comment", "comments",
    "vui lòng nhập tiếng việt có dấu", "gửi bình luận của bạn", "viết bình luận của bạn",
)

# Labels of a site's contact lines in its header or footer ("Hotline: …", "* Email: … *Tòa soạn: …").
CONTACT_LABELS = ("hotline", "đường dây nóng", "email", "e-mail", "tòa soạn", "điện thoại", "fax")

# How a share bar invites readers to follow the site elsewhere ("Theo dõi Báo X trên").
FOLLOW_CUES = ("theo dõi", "follow")

# Words that open a photo caption's credit ("Ảnh: TTXVN", "Ảnh minh họa").
CAPTION_CUES = ("ảnh", "ảnh minh họa", "ảnh minh hoạ", "ảnh tư liệu", "nguồn ảnh", "photo", "video", "clip", "đồ họa",
                "đồ hoạ", "infographic")
