"""Simulated kiosks behind real fleet agents, many per process and many processes (demos, load tests)."""

from fleet.simulation.agents import Simulation, SimulationOptions, SimulationReport, identities
from fleet.simulation.kiosk import SimulatedKiosk
from fleet.simulation.processes import FleetSimulation

__all__ = [
    "FleetSimulation",
    "SimulatedKiosk",
    "Simulation",
    "SimulationOptions",
    "SimulationReport",
    "identities",
]
