import ipaddress

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ecs_operator.localcluster.pki import first_service_ip, make_pki


@pytest.fixture(scope="module")
def pki():
    return make_pki("10.96.0.0/16")


def test_first_service_ip_is_the_first_host_of_the_range():
    assert first_service_ip("10.96.0.0/16") == "10.96.0.1"
    assert first_service_ip("fd00:10:96::/112") == "fd00:10:96::1"


def test_admin_cert_is_in_system_masters(pki):
    cert = x509.load_pem_x509_certificate(pki.admin_cert)
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "system:masters"


def test_serving_cert_names_localhost_loopback_and_the_kubernetes_service(pki):
    cert = x509.load_pem_x509_certificate(pki.admin_cert)
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert {"localhost", "kubernetes.default.svc"} <= set(sans.get_values_for_type(x509.DNSName))
    ips = set(sans.get_values_for_type(x509.IPAddress))
    assert {ipaddress.ip_address(a) for a in ("127.0.0.1", "::1", "10.96.0.1")} <= ips


def test_admin_cert_serves_and_authenticates(pki):
    cert = x509.load_pem_x509_certificate(pki.admin_cert)
    usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.SERVER_AUTH in usages and ExtendedKeyUsageOID.CLIENT_AUTH in usages


def test_admin_cert_is_signed_by_the_ca(pki):
    ca = x509.load_pem_x509_certificate(pki.ca_cert)
    cert = x509.load_pem_x509_certificate(pki.admin_cert)
    cert.verify_directly_issued_by(ca)  # raises if not
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert isinstance(load_pem_private_key(pki.ca_key, None), ec.EllipticCurvePrivateKey)


def test_service_account_keys_are_a_matching_rsa_pair(pki):
    private = load_pem_private_key(pki.service_account_key, None)
    public = load_pem_public_key(pki.service_account_pub)
    assert isinstance(private, rsa.RSAPrivateKey) and isinstance(public, rsa.RSAPublicKey)
    signature = private.sign(b"token", padding.PKCS1v15(), hashes.SHA256())
    public.verify(signature, b"token", padding.PKCS1v15(), hashes.SHA256())
