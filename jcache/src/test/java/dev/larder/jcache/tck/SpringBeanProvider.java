package dev.larder.jcache.tck;

import javax.cache.annotation.BeanProvider;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * The TCK's {@link BeanProvider} (found through {@code ServiceLoader}): a Spring
 * {@link AnnotationConfigApplicationContext} that runs Spring's JSR-107 annotation interceptor on
 * this provider's default cache manager and holds the TCK's blog managers as beans
 * (see {@link AnnotationTestConfiguration}).
 *
 * <p>The TCK loads one instance per JVM and keeps it for the whole run; the context is closed by
 * a JVM shutdown hook.
 */
public final class SpringBeanProvider implements BeanProvider {

    private final AnnotationConfigApplicationContext context;

    /** Builds and refreshes the Spring context. */
    public SpringBeanProvider() {
        this.context = new AnnotationConfigApplicationContext(AnnotationTestConfiguration.class);
        this.context.registerShutdownHook();
    }

    @Override
    public <T> T getBeanByType(final Class<T> beanClass) {
        return context.getBean(beanClass);
    }
}
