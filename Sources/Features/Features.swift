/// Domain logic for Minos capabilities (instructions, verification, routing, …), independent of the protocol.
public enum Features {}
