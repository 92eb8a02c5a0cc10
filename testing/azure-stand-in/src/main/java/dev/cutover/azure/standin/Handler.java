package dev.cutover.azure.standin;

/**
 * Behaviour for some ARM calls, registered with {@link ArmStandIn#route}. Returning null hands the request to the
 * generic resource handling (so a handler may only observe, or change the store, and let the generic code answer);
 * {@link ArmStandIn#generic(ArmRequest)} gives the generic answer to wrap.
 */
@FunctionalInterface
public interface Handler {

    ArmResponse handle(ArmRequest request) throws Exception;
}
