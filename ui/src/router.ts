import { createRouter, createWebHistory } from 'vue-router';
import DashboardView from './views/DashboardView.vue';

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'dashboard', component: DashboardView, meta: { title: 'Dashboard' } },
    { path: '/containers', name: 'containers', component: () => import('./views/ContainersView.vue'), meta: { title: 'Containers' } },
    { path: '/containers/:id', name: 'container', component: () => import('./views/ContainerView.vue'), props: true, meta: { title: 'Container' } },
    { path: '/operations', name: 'operations', component: () => import('./views/OperationsView.vue'), meta: { title: 'Operations' } },
    { path: '/system', name: 'system', component: () => import('./views/SystemView.vue'), meta: { title: 'System' } },
    // Where providers send the browser after sign-out or a failed sign-in. Signed out, App shows the
    // login page whatever the route; signed in, there is nothing to do here (App goes to the dashboard).
    { path: '/login', name: 'login', component: DashboardView, meta: { title: 'Sign in' } },
    { path: '/:rest(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { title: 'Not found' } },
  ],
  scrollBehavior: () => ({ top: 0 }),
});

router.afterEach((to) => {
  document.title = `${String(to.meta.title ?? '')} · dockdeck`;
});
