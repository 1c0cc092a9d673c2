"""A simulated eMRTD chip (CNIe, BAC passport) and two ways to reach it: in process, or through vpcd."""

from devices.idcard.simulator.chip import (
    CNIE_PROFILE,
    PASSPORT_PROFILE,
    CardGone,
    ChipProfile,
    SimulatedCard,
    SimulatedFault,
    pace_profile,
)
from devices.idcard.simulator.documents import DEMO_CAN, DEMO_CNIE, DEMO_PASSPORT
from devices.idcard.simulator.pki import SimulatedPki, simulated_pki
from devices.idcard.simulator.reader import SimulatedCardReader
from devices.idcard.simulator.transport import SIMULATED_READER_NAME, InProcessTransport

__all__ = [
    "CNIE_PROFILE",
    "DEMO_CAN",
    "DEMO_CNIE",
    "DEMO_PASSPORT",
    "PASSPORT_PROFILE",
    "SIMULATED_READER_NAME",
    "CardGone",
    "ChipProfile",
    "InProcessTransport",
    "SimulatedCard",
    "SimulatedCardReader",
    "SimulatedFault",
    "SimulatedPki",
    "pace_profile",
    "simulated_pki",
]
