"""The rules of fetching a customer's file, on their own: which addresses
may be connected to, which URLs are asked and how, which types are kept;
the name is resolved once and the connection goes to the address checked."""

import socket
from unittest.mock import patch

from odoo.tests import BaseCase, tagged

from odoo.addons.customer_care_messaging import providers
from odoo.addons.customer_care_messaging.logic import media

from .common import loopback_test_server
from .stub import IMAGE
from .test_attachments import FileServer

ZALO = ("zdn.vn", "zadn.vn", "zalo.me")


@tagged("post_install", "-at_install")
class TestMediaRules(BaseCase):
    def test_only_public_addresses(self):
        for address in (
            "127.0.0.1",
            "127.8.8.8",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.10",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.251",
            "239.255.255.250",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "2002:7f00:1::1",  # 6to4 of 127.0.0.1
            "not an address",
        ):
            with self.subTest(address=address):
                self.assertFalse(media.is_public_address(address))
        for address in ("8.8.8.8", "203.113.168.10", "2001:4860:4860::8888"):
            with self.subTest(address=address):
                self.assertTrue(media.is_public_address(address))

    def test_urls_of_the_chat_apps_media_hosts_only_over_https(self):
        self.assertEqual(
            media.target("https://photo-stal-9.zdn.vn/a/b.jpg?x=1", ZALO),
            ("https", "photo-stal-9.zdn.vn", 443, "/a/b.jpg?x=1"),
        )
        # WeChat gives http:// PicUrls: asked over https all the same
        self.assertEqual(
            media.target("http://mmbiz.qpic.cn/mmbiz_jpg/abc/0", ("qpic.cn",)),
            ("https", "mmbiz.qpic.cn", 443, "/mmbiz_jpg/abc/0"),
        )
        for url in (
            "https://zdn.vn.evil.example/x.jpg",
            "https://evilzdn.vn/x.jpg",
            "https://photo.zdn.vn:8443/x.jpg",
            "http://photo.zdn.vn:80/x.jpg",
            "ftp://photo.zdn.vn/x.jpg",
            "file:///etc/passwd",
            "https://user:pw@photo.zdn.vn/x.jpg",
            "http://169.254.169.254/latest/meta-data/",
            "https://[::1]/x",
            "not a url",
            "",
        ):
            with self.subTest(url=url), self.assertRaises(media.Refused) as refused:
                media.target(url, ZALO)
            self.assertEqual(refused.exception.reason, media.NOT_ALLOWED)

    def test_a_test_server_replaces_the_media_hosts(self):
        server = "http://media.test:8069"
        self.assertEqual(
            media.target("http://media.test:8069/files/x.png", ZALO, server),
            ("http", "media.test", 8069, "/files/x.png"),
        )
        for url in (
            "https://photo.zdn.vn/x.jpg",
            "http://media.test:8070/files/x.png",
            "https://media.test:8069/files/x.png",
            "http://other.test:8069/files/x.png",
        ):
            with self.subTest(url=url), self.assertRaises(media.Refused):
                media.target(url, ZALO, server)

    def test_line_content_is_asked_by_message_id_only(self):
        line = providers.get("line")
        request = line.attachment_request(None, {"access_token": "t"}, "4801512345678")
        self.assertEqual(
            request.url, "https://api-data.line.me/v2/bot/message/4801512345678/content"
        )
        for reference in ("../../v2/bot/info", "1?x=1", "\uff11\uff12", ""):
            with self.subTest(reference=reference):
                self.assertIsNone(line.attachment_request(None, {"access_token": "t"}, reference))

    def test_types_match_the_kind(self):
        self.assertTrue(media.type_allowed("image", "image/jpeg"))
        self.assertTrue(media.type_allowed("video", "video/mp4; codecs=avc1"))
        self.assertTrue(media.type_allowed("file", "application/pdf"))
        self.assertFalse(media.type_allowed("image", "text/html"))
        self.assertFalse(media.type_allowed("image", "image/svg+xml"))
        self.assertFalse(media.type_allowed("file", "text/html; charset=utf-8"))
        self.assertFalse(media.type_allowed("video", "image/png"))
        self.assertFalse(media.type_allowed("image", ""))
        self.assertFalse(media.type_allowed("link", "image/png"))

    def test_a_name_leading_inside_even_partly_is_refused(self):
        answers = [("198.51.100.7",), ("127.0.0.1",)]
        infos = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a[0], 443)) for a in answers]
        with (
            patch.object(socket, "getaddrinfo", return_value=infos),
            self.assertRaises(media.Refused) as refused,
        ):
            media.fetch("https://photo.zdn.vn/x.jpg", "image", ZALO)
        self.assertEqual(refused.exception.reason, media.PRIVATE)

    def test_the_connection_goes_to_the_address_checked(self):
        """The name is resolved once; a second answer (DNS rebinding) would
        lead elsewhere, but the connection uses the first one."""
        files = FileServer()
        self.addCleanup(files.stop)
        port = int(files.url.rsplit(":", 1)[1])
        real = socket.getaddrinfo
        calls = []

        def getaddrinfo(host, *args, **kwargs):
            if host != "media.test":
                return real(host, *args, **kwargs)
            calls.append(host)
            address = "127.0.0.1" if len(calls) == 1 else "10.9.9.9"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

        server = f"http://media.test:{port}"
        with loopback_test_server(), patch.object(socket, "getaddrinfo", getaddrinfo):
            content = media.fetch(f"{server}/files/a.png", "image", ZALO, test_server=server)
        self.assertEqual(content, IMAGE * 100)
        self.assertEqual(calls, ["media.test"])
        self.assertEqual(files.paths, ["/files/a.png"])

    def test_the_size_is_capped_while_reading(self):
        """Announced too large, or found too large while reading a body
        that announces no length."""
        files = FileServer()
        self.addCleanup(files.stop)
        for path in ("/files/big.png", "/nolength/big.png"):
            with (
                self.subTest(path=path),
                loopback_test_server(),
                self.assertRaises(media.Refused) as refused,
            ):
                media.fetch(
                    f"{files.url}{path}", "image", ZALO, test_server=files.url, max_bytes=100
                )
            self.assertEqual(refused.exception.reason, media.TOO_LARGE)
        self.assertEqual(files.paths, ["/files/big.png", "/nolength/big.png"])
        with loopback_test_server():
            content = media.fetch(
                f"{files.url}/nolength/a.png", "image", ZALO, test_server=files.url
            )
        self.assertEqual(content, IMAGE * 100)
