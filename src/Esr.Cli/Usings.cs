// The kernel's one input-error type is what every command throws for bad input.
global using EsrInputException = Esr.Kernel.EsrInputException;
