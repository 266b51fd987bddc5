// The facade (Esr.Kernel's root namespace) is what every command calls.
global using Esr.Kernel;
