"""The fleet agent that runs inside a kiosk: ``FleetAgent`` (MQTT 5) and what it needs."""

from fleet.agent.client import FleetAgent
from fleet.agent.link import KioskLink, ReplyFunction
from fleet.agent.settings import AgentSettings, BrokerAddress

__all__ = ["AgentSettings", "BrokerAddress", "FleetAgent", "KioskLink", "ReplyFunction"]
