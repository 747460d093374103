# SPDX-License-Identifier: Apache-2.0
"""The operator's SMSC for Jasmin in the gateway tests: Jasmin's own SMSC simulator (the SMPP server of its
test suite, `tests/protocols/smpp/smsc_simulator.py` of the jasmin sdist, over the smpp.pdu library Jasmin
itself speaks SMPP with), run by .venv-jasmin's Python.

    .venv-jasmin/bin/python tests/integration/jasmin_smsc.py PORT SIMULATOR_DIR

It binds Jasmin's SMPP client connector; every line it reads on stdin is a voter's SMS to deliver
(`{"from", "to", "coding", "hex"}` as JSON: a deliver_sm); every PDU Jasmin submits is printed on stdout as
one JSON line (what the phone receives), and answered with a submit_sm_resp and, when Jasmin asked for
one, a delivery receipt (stat:DELIVRD) as the SMSC would send it.
"""
import json
import sys

from twisted.internet import reactor, stdio
from twisted.internet.protocol import ServerFactory
from twisted.protocols.basic import LineReceiver

sys.path.insert(0, sys.argv[2])
from smpp.pdu.operations import BindReceiver, BindTransceiver, DeliverSM, DeliverSMResp  # noqa: E402
from smpp.pdu.pdu_encoding import DataCodingEncoder, EsmClassEncoder  # noqa: E402
from smpp.pdu.pdu_types import (  # noqa: E402
    DataCoding,
    DataCodingDefault,
    EsmClass,
    EsmClassMode,
    EsmClassType,
    RegisteredDeliveryReceipt,
)
from smsc_simulator import ManualDeliveryReceiptHappySMSC  # noqa: E402

CODINGS = {0: DataCodingDefault.SMSC_DEFAULT_ALPHABET, 3: DataCodingDefault.LATIN_1, 4: DataCodingDefault.OCTET_UNSPECIFIED_COMMON,
           8: DataCodingDefault.UCS2}


def emit(**event) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def _hex(value) -> str | None:
    if value is None:
        return None
    return (value if isinstance(value, bytes) else str(value).encode()).hex()


def _plain(value):
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if value is None or isinstance(value, int | str):
        return value
    return getattr(value, "name", str(value))


class Operator(ManualDeliveryReceiptHappySMSC):
    """Jasmin's simulator, recording each submit_sm and sending a receipt when one is asked for."""

    def connectionMade(self) -> None:
        self.factory.bound.append(self)
        emit(event="connected")

    def connectionLost(self, reason) -> None:
        if self in self.factory.bound:
            self.factory.bound.remove(self)

    def PDUReceived(self, pdu) -> None:  # noqa: N802 - the simulator's name
        super().PDUReceived(pdu)
        if isinstance(pdu, BindTransceiver | BindReceiver):
            emit(event="bound", system_id=_plain(pdu.params.get("system_id")))
        if isinstance(pdu, DeliverSMResp):
            emit(event="deliver_sm_resp", status=_plain(pdu.status))

    def handleSubmit(self, reqPDU) -> None:  # noqa: N802, N803 - the simulator's names
        super().handleSubmit(reqPDU)
        params = reqPDU.params
        message_id = self.lastSubmitSmRestPDU.params["message_id"]
        emit(
            event="submit_sm", message_id=message_id.decode() if isinstance(message_id, bytes) else message_id,
            source_addr=_plain(params.get("source_addr")), destination_addr=_plain(params.get("destination_addr")),
            data_coding=DataCodingEncoder().encode(params["data_coding"])[0],
            esm_class=EsmClassEncoder().encode(params["esm_class"])[0],
            short_message=_hex(params.get("short_message")), message_payload=_hex(params.get("message_payload")),
            sar_msg_ref_num=params.get("sar_msg_ref_num"), sar_total_segments=params.get("sar_total_segments"),
            sar_segment_seqnum=params.get("sar_segment_seqnum"),
            registered_delivery=_plain(params["registered_delivery"].receipt) if params.get("registered_delivery")
            else None,
        )
        receipt = params.get("registered_delivery")
        if receipt is not None and receipt.receipt != RegisteredDeliveryReceipt.NO_SMSC_DELIVERY_RECEIPT_REQUESTED:
            # The handset's receipt comes a moment later, as from a real network.
            reactor.callLater(0.5, self.receipt, reqPDU, message_id)

    def receipt(self, submitted, message_id) -> None:
        self.lastSubmitSmPDU = submitted
        self.trigger_DLR(_id=message_id)


class Commands(LineReceiver):
    delimiter = b"\n"

    def __init__(self, factory: "OperatorFactory") -> None:
        self.factory = factory

    def lineReceived(self, line: bytes) -> None:  # noqa: N802 - Twisted's name
        sms = json.loads(line)
        pdu = DeliverSM(
            source_addr=sms["from"], destination_addr=sms["to"], short_message=bytes.fromhex(sms["hex"]),
            data_coding=DataCoding(schemeData=CODINGS[sms["coding"]]),
            esm_class=EsmClass(EsmClassMode.DEFAULT, EsmClassType.DEFAULT),
        )
        for connection in self.factory.bound:
            connection.trigger_deliver_sm(pdu)
            emit(event="deliver_sm", sent_to=len(self.factory.bound))
            return
        emit(event="error", message="no SMPP client is connected")

    def connectionLost(self, reason) -> None:
        reactor.stop()


class OperatorFactory(ServerFactory):
    protocol = Operator

    def __init__(self) -> None:
        self.bound: list[Operator] = []


def main() -> None:
    factory = OperatorFactory()
    port = reactor.listenTCP(int(sys.argv[1]), factory, interface="127.0.0.1")
    stdio.StandardIO(Commands(factory))
    emit(event="listening", port=port.getHost().port)
    reactor.run()


if __name__ == "__main__":
    main()
